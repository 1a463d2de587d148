"""An asyncio loop on a thread of its own, for tests that run a simulator's server by hand."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

__all__ = ["ThreadLoop"]


class ThreadLoop:
    """An asyncio loop on a thread of its own, as the fleet runs one for many routers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def serve(self, router: Any, host: str = "127.0.0.1", **kwargs: Any) -> Any:
        from mikronet.sim.ssh import start_ssh_server

        return self.run(start_ssh_server(router, host, 0, **kwargs))

    def stop(self, server: Any) -> None:
        async def close() -> None:
            server.close()
            await server.wait_closed()

        self.run(close())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()
