"""The real-export corpus (../shared/corpus/exports): every file parses, round-trips and diffs
clean against itself; the damaged ones stop exactly where the corpus notes say they are damaged;
the verbose/compact pair compares equal and the 7.6 -> 7.12.1 pair yields a plan that works."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from ros_corpus import DAMAGED, EXPORTS, export_path, load

from mikronet.errors import ScriptError
from mikronet.routeros import Config, Header, apply, diff, parse, render_export

NUMBERS = [p.name[:2] for p in EXPORTS]


def test_the_corpus_is_all_there() -> None:
    assert len(NUMBERS) == 46


@pytest.mark.parametrize("number", [n for n in NUMBERS if n not in DAMAGED])
def test_sound_exports_parse_strictly(number: str) -> None:
    model = load(number)
    assert model.sections, "an export with no configuration"
    assert all(w.text.startswith("error exporting") for w in model.warnings)


@pytest.mark.parametrize("number", sorted(DAMAGED))
def test_damaged_exports_fail_precisely_then_recover(number: str) -> None:
    line, column, words = DAMAGED[number]
    with pytest.raises(ScriptError) as info:
        load(number)
    error = info.value
    assert (error.line, error.column) == (line, column), str(error)
    assert words in error.message
    assert error.file == export_path(number).name
    recovered = load(number, recover=True)
    assert recovered.warnings[0].line == line
    assert words in recovered.warnings[0].text


def test_recovered_damaged_exports_keep_what_is_sound() -> None:
    forum = load("15", recover=True)  # "[erased queues]" is skipped, the queues after it kept
    assert [i.props["name"] for i in forum["/queue simple"].items][:1] == ["RESTO RED 110"]
    cut = load("40", recover=True)  # everything before the cut-off line
    assert len(cut["/ip firewall filter"].items) > 100
    fragment = load("46", recover=True)  # the :global variable is used by the next command
    assert fragment["/ip address"].items[0].props["address"] == "10.88.2.1/24"
    defconf = load("17", recover=True)  # a pasted defconf print: nothing of it becomes config
    assert not defconf.sections
    assert "indented statement(s) up to line 240" in defconf.warnings[1].text


def test_error_exporting_lines_are_kept_as_warnings() -> None:
    assert [(w.line, w.text) for w in load("31").warnings] == [
        (90, "error exporting /interface/bridge/calea"),
        (185, "error exporting /ip/firewall/calea"),
    ]
    assert len(load("37").warnings) == 7


def test_headers_of_every_shape(corpus_models: dict[str, Config]) -> None:
    assert corpus_models["06"].header == Header("7.12.1", "2023-11-23 07:04:42", "FE3U-D84W",
                                                "RBD52G-5HacD2HnD-TCr2", "939208928B82")
    assert corpus_models["44"].header is not None and corpus_models["44"].header.date == "jan/02/1970 01:05:15"
    assert corpus_models["18"].header == Header("6.48.3", None, "GXJJ-5ZK0", "CRS125-24G-1S", "5240040DE39C")
    assert corpus_models["38"].header is not None and corpus_models["38"].header.version == "6.45beta27"
    assert corpus_models["12"].header is None  # stripped by its owner
    assert corpus_models["15"].header is not None and corpus_models["15"].header.software_id == ""


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("terse", [False, True], ids=["wrapped", "terse"])
def test_parse_render_parse_is_the_same_model(corpus_models: dict[str, Config], number: str, terse: bool) -> None:
    model = corpus_models[number]
    text = render_export(model, terse=terse)
    assert parse(text) == model
    if not terse:
        too_long = [line for line in text.splitlines() if len(line) > 79 and "\\" in line[-1:]]
        assert not too_long


@pytest.mark.parametrize("number", NUMBERS)
def test_diff_of_an_export_with_itself_is_empty(corpus_models: dict[str, Config], number: str) -> None:
    model = corpus_models[number]
    assert not diff(model, model, own="all")


def test_verbose_and_compact_export_of_one_router_are_the_same_configuration() -> None:
    verbose, compact = load("24"), load("25")
    assert not diff(compact, verbose, own="all"), "compact as desired"
    assert not diff(verbose, compact, own="all"), "verbose as desired"
    small_verbose, small_compact = load("33"), load("32")  # community.routeros's fixtures, 6.42.5
    assert not diff(small_verbose, small_compact, own="all")
    assert not diff(small_compact, small_verbose, own="all")


def test_one_router_a_year_apart_plan_applies() -> None:
    old, new = load("05"), load("06")  # 7.6, then 7.12.1
    plan = diff(new, old, own="all")
    assert plan
    after = apply(old, plan)
    assert not diff(new, after, own="all")
    assert set(after.sections) == set(new.sections)
    for path, section in new.sections.items():  # item for item, not only "no difference"
        assert Counter(after[path].items) == Counter(section.items), path
        assert after[path].settings == section.settings, path
    counts = plan.counts()
    assert counts.get("remove", 0) == 0 and counts["add"] >= 8
    assert any(op.path == "/interface wireguard peers" for op in plan)


def test_the_plan_masks_the_redacted_wireguard_key() -> None:
    plan = diff(load("06"), load("05"), own="all")
    (peer,) = [op for op in plan if op.path == "/interface wireguard peers"]
    assert "preshared-key" in peer.sensitive
    assert "REDACTED" not in repr(peer) and "***" in repr(peer)


@pytest.mark.parametrize("path", [*EXPORTS, *sorted((EXPORTS[0].parent.parent / "scripts").glob("*.rsc"))],
                         ids=lambda p: p.name[:2] if p.parent.name == "exports" else "s" + p.name[:2])
def test_the_fast_path_reads_exactly_what_the_general_one_reads(path: Path) -> None:
    data = path.read_bytes()
    for recover in (False, True):
        results = []
        for fast in (True, False):
            try:
                model = parse(data, recover=recover, fast=fast)
                lines = [i.line for s in model.sections.values() for i in s.items]
                results.append((model, model.warnings, lines))
            except ScriptError as exc:
                results.append((str(exc),))
        assert results[0] == results[1]


# Wrapped exports whose every command line the renderer reproduces byte for byte (the others were
# hand-edited, redacted to a value of another length, or repeat a menu, which one model merges).
VERBATIM = ["02", "03", "04", "05", "07", "08", "09", "10", "11", "18", "19", "20", "21", "22", "25", "26",
            "28", "30", "35", "36", "41", "43", "44", "45"]


@pytest.mark.parametrize("number", VERBATIM)
def test_render_wraps_exactly_like_routeros(number: str) -> None:
    original = export_path(number).read_bytes().decode("utf-8").replace("\r\n", "\n")
    rendered = render_export(parse(original))

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]

    assert body(rendered) == body(original)
