"""Parser throughput on the real-export corpus (a benchmark script, not a test).

    .venv/bin/python bench/bench_parser.py [-n ROUNDS]

Parses every export in ``../shared/corpus/exports`` (damaged ones with ``recover=True``) ROUNDS
times on one core and reports MB/s: the best round (what the code can do) and the median (what a
busy machine gave), and the best by CPU time of this process (what one core does when the
machine is shared). Also reports, for information, tokenizing alone, rendering the models back
to exports, and diffing each model with itself. Then the growth on hostile input: a script
value left open across N and 4N continuation lines (a backup cut short), and each export cut
inside a quoted value; a linear parser takes 4x the time for 4x the input. Exits 1 if the
median round is under the 5 MB/s target or the growth ratio is over 10. The schema is loaded
once before timing (it is shared by every parse after).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mikronet.errors import ScriptError
from mikronet.routeros import default_schema, diff, parse, render_export
from mikronet.routeros.lexer import Source, tokenize_statements

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "exports"
TARGET_MB_S = 5.0
MAX_GROWTH = 10.0


def rounds(work: Callable[[], object], count: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    times = []
    for _ in range(count):
        start = clock()
        work()
        times.append(clock() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=20)
    args = parser.parse_args()
    files = sorted(CORPUS.glob("*.rsc"))
    if not files:
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    texts = [f.read_bytes().decode("utf-8") for f in files]
    size = sum(f.stat().st_size for f in files)
    default_schema()
    strict = {f.name: True for f in files}
    for f, text in zip(files, texts, strict=True):
        try:
            parse(text)
        except Exception:  # the damaged exports: parse them the way backups would, with recover
            strict[f.name] = False

    def parse_all() -> list[object]:
        return [parse(t, recover=not strict[f.name]) for f, t in zip(files, texts, strict=True)]

    def tokenize_all() -> None:
        for text in texts:
            tokenize_statements(Source.of(text).text, recover=True)

    parse_times = rounds(parse_all, args.rounds)
    cpu_times = rounds(parse_all, args.rounds, time.process_time)
    token_times = rounds(tokenize_all, args.rounds)
    models = parse_all()
    render_times = rounds(lambda: [render_export(m) for m in models], max(3, args.rounds // 4))  # type: ignore[arg-type]
    diff_times = rounds(lambda: [diff(m, m, own="all") for m in models], max(3, args.rounds // 4))  # type: ignore[arg-type]

    mb = size / 1e6
    best, median = min(parse_times), statistics.median(parse_times)
    print(f"corpus: {len(files)} exports, {size:,} bytes ({sum(not s for s in strict.values())} damaged, "
          "parsed with recover=True)")
    print(f"parse:    best {mb / best:6.2f} MB/s ({best * 1000:6.1f} ms), median {mb / median:6.2f} MB/s "
          f"over {args.rounds} rounds")
    print(f"parse:    best {mb / min(cpu_times):6.2f} MB/s of CPU time (this process on its core)")
    print(f"tokenize: best {mb / min(token_times):6.2f} MB/s")
    print(f"render:   best {mb / min(render_times):6.2f} MB/s of export text")
    print(f"diff x x: best {min(diff_times) * 1000:6.1f} ms for the whole corpus")
    ratio = growth(args.rounds)
    cut_times = rounds(lambda: [parse(cut, recover=True) for cut in cut_texts(texts)], max(3, args.rounds // 4))
    cut_mb = sum(len(c.encode("utf-8")) for c in cut_texts(texts)) / 1e6
    print(f"cut:      best {cut_mb / min(cut_times):6.2f} MB/s, each export cut inside a quoted value "
          "(recover=True)")
    failed = 0
    if mb / median < TARGET_MB_S:
        print(f"median below the {TARGET_MB_S} MB/s target", file=sys.stderr)
        failed = 1
    if ratio > MAX_GROWTH:
        print(f"4x the input took {ratio:.1f}x the time (over {MAX_GROWTH})", file=sys.stderr)
        failed = 1
    return failed


def open_value(lines: int) -> str:
    """A script source left open across ``lines`` continuation lines, as a truncated backup ends."""
    return '/system script add name=x source="\\\n' + '    \\n:local aI \\"v\\";\\r\\\n' * lines


def growth(count: int, lines: int = 2000) -> float:
    """Time for 4x the open lines over the time for 1x (best of ``count`` each), printed."""
    def parse_open(text: str) -> None:
        with contextlib.suppress(ScriptError):
            parse(text)

    small, large = open_value(lines), open_value(4 * lines)
    t_small = min(rounds(lambda: parse_open(small), count))
    t_large = min(rounds(lambda: parse_open(large), count))
    ratio = t_large / t_small
    print(f"open:     {lines:,} lines {t_small * 1000:6.2f} ms, {4 * lines:,} lines {t_large * 1000:6.2f} ms: "
          f"{ratio:.1f}x for 4x the input")
    return ratio


def cut_texts(texts: list[str]) -> list[str]:
    """Each export cut in the middle of the quoted value nearest its middle (or at its middle)."""
    out = []
    for text in texts:
        quote = text.find('"', len(text) // 2)
        out.append(text[: quote + 4] if quote >= 0 else text[: len(text) // 2])
    return out


if __name__ == "__main__":
    raise SystemExit(main())
