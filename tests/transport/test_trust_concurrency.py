"""known_hosts under concurrent writers: threads of one run and two processes, every pin kept."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from mikronet.transport import TrustStore
from mikronet.transport.trust import TLS_KIND, Pin


def _pin(i: int, tag: str = "") -> Pin:
    return Pin(f"LV-{i:04d}/gw", TLS_KIND, f"{tag}{i:064x}"[-64:])


def _record_many(path: str, start: int, count: int) -> None:
    store = TrustStore(Path(path))
    for i in range(start, start + count):
        store.record(_pin(i))


def test_threads_recording_at_once_lose_no_pin(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "known_hosts")
    barrier = threading.Barrier(32)

    def work(n: int) -> None:
        barrier.wait()
        for i in range(n * 8, n * 8 + 8):
            store.record(_pin(i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pins = store.all_pins()
    assert sorted(pins) == sorted(_pin(i).router_id for i in range(256))
    assert all(store.tls_fingerprint(_pin(i).router_id) == _pin(i).value for i in range(256))


def test_two_processes_and_two_stores_lose_no_pin(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_record_many, args=(str(path), start, 150)) for start in (0, 150)]
    for process in processes:
        process.start()
    _record_many(str(path), 300, 150)  # this process, at the same time, through a store of its own
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    assert len(TrustStore(path).all_pins()) == 450
    assert (path.stat().st_mode & 0o777) == 0o600


def test_the_cache_follows_a_write_by_another_store(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    reader, writer = TrustStore(path), TrustStore(path)
    writer.record(_pin(1))
    assert reader.tls_fingerprint(_pin(1).router_id) == _pin(1).value
    writer.record(_pin(1, "ab"))
    reader.record(_pin(2))  # reads the file again under the lock: keeps the other store's pin
    assert reader.tls_fingerprint(_pin(1).router_id) == _pin(1, "ab").value
    assert writer.tls_fingerprint(_pin(2).router_id) == _pin(2).value


def test_a_swap_replaces_a_routers_pins_in_one_change(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "known_hosts")
    store.record(_pin(1))
    store.record(Pin(_pin(1).router_id, "ssh-ed25519", "AAAA"))
    store.record(_pin(2))
    store.replace_router(_pin(1).router_id, [_pin(1, "cd")])
    assert store.pins(_pin(1).router_id) == [_pin(1, "cd")]
    assert store.pins(_pin(2).router_id) == [_pin(2)]
