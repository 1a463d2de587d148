"""No secret value in any plan output: every sensitive property of the schema, in values and in
selectors (``[ find k=… ]``, ``numbers=[ find … ]``, items named by a secret name), through the
differ, the console and API renderers, the JSON data and ``mikronet config diff`` / ``parse``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.routeros import (
    Config,
    default_schema,
    diff,
    parse,
    plan_data,
    quote,
    render_api,
    render_script,
)
from mikronet.routeros.data import config_data

SCHEMA = default_schema()
SENSITIVE = sorted((ps.path, name) for ps in SCHEMA for name in ps.sensitive)


def _secret(n: int, tag: str) -> tuple[str, str]:
    """A secret with every character that quoting and escaping spell differently, and an
    ASCII core that every spelling of it still contains."""
    core = f"zqSecret{n:03d}{tag}x"
    return core, f'{core}"$\\?ā {tag}'


def _scenario(n: int, path: str, key: str) -> tuple[str, str, list[str]]:
    """(desired text, actual text, secret cores) that put the secret of ``key`` in every place
    a plan can carry it."""
    ps = SCHEMA.get(path)
    cores: list[str] = []

    def secret(tag: str) -> str:
        core, value = _secret(n, tag)
        cores.append(core)
        return quote(value)

    if ps.singleton:
        return (f"{path}\nset {key}={secret('set')}\n", f"{path}\nset {key}={secret('old')}\n", cores)
    removed, changed, numbered, moved_a, moved_b = (secret(t) for t in ("rm", "chg", "num", "mva", "mvb"))
    gone, added = secret("gone"), secret("add")
    actual = [
        f"add {key}={removed} comment=r{n}",
        f"add {key}={changed} comment=c{n}",
        f"add {key}={numbered} comment=n{n}",
        f"add {key}={moved_b} comment=mb{n}",
        f"add {key}={moved_a} comment=ma{n}",
        f"add {key}={gone} comment=g{n}",  # owned path: removed by a selector on what it holds
    ]
    desired = [
        f"remove [ find {key}={removed} ]",
        f"set [ find {key}={changed} ] comment=changed{n}",
        f"remove numbers=[ find where {key}={numbered} ]",
        f"add {key}={moved_a} comment=ma{n}",
        f"add {key}={moved_b} comment=mb{n}",
        f"add {key}={added} comment=a{n}",
    ]
    if ps.name_key == key:  # the secret names the item: ``set SECRET``
        named = secret("named")
        actual.append(f"add {key}={named} comment=nm{n}")
        desired.append(f"set {named} comment=renamed{n}")
    return (f"{path}\n" + "\n".join(desired) + "\n", f"{path}\n" + "\n".join(actual) + "\n", cores)


def _outputs(desired: Config, actual: Config) -> tuple[list[str], str]:
    plan = diff(desired, actual, own="all")
    from mikronet.runner.results import op_line  # how plan and push show each operation, in text and JSON

    masked = [render_script(plan), json.dumps(plan_data(plan), ensure_ascii=False), repr(plan),
              repr(list(plan)), repr(render_api(plan)), json.dumps(config_data(desired), ensure_ascii=False),
              "\n".join(op_line(op) for op in plan)]
    shown = render_script(plan, show_sensitive=True) + json.dumps(plan_data(plan, show_sensitive=True))
    return masked, shown


def test_the_schema_has_sensitive_properties_to_test() -> None:
    assert len(SENSITIVE) >= 40  # passwords, pre-shared keys, RADIUS and SNMP secrets, tokens …


@pytest.mark.parametrize(("path", "key"), SENSITIVE)
def test_no_secret_in_any_plan_output(path: str, key: str) -> None:
    n = SENSITIVE.index((path, key))
    desired_text, actual_text, cores = _scenario(n, path, key)
    masked, shown = _outputs(parse(desired_text), parse(actual_text))
    for core in cores:
        for text in masked:
            assert core not in text, f"{path} {key}: {core} in {text[:400]}"
    # the test is not empty: every secret the plan must carry is in it, shown on request
    expected = [c for c in cores if not c.endswith(("oldx", "mvax", "mvbx"))]
    for core in expected:
        assert core in shown, f"{path} {key}: {core} never reached the plan"
    assert "***" in masked[0]


def test_config_diff_parse_and_normalize_mask_every_secret(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    desired, actual, cores = [], [], []
    for n, (path, key) in enumerate(SENSITIVE):
        d, a, c = _scenario(n, path, key)
        desired.append(d)
        actual.append(a)
        cores += c
    a_file, b_file = tmp_path / "a.rsc", tmp_path / "b.rsc"
    a_file.write_text("".join(actual), encoding="utf-8")
    b_file.write_text("".join(desired), encoding="utf-8")
    runs = [("config", "diff", str(a_file), str(b_file)), ("config", "diff", "--json", str(a_file), str(b_file)),
            ("--json", "config", "parse", str(b_file)), ("config", "normalize", str(b_file))]
    for args in runs:
        status = main(list(args))
        out, err = capsys.readouterr()
        assert status == 0, err
        leaked = [core for core in cores if core in out or core in err]
        assert not leaked, f"{args}: {leaked[:5]}"
    main(["config", "diff", "--show-sensitive", str(a_file), str(b_file)])
    shown = capsys.readouterr().out
    assert sum(core in shown for core in cores) > len(SENSITIVE) * 3


def test_an_item_named_by_a_secret_is_masked_where_it_is_named() -> None:
    """SNMP v1/v2c: the community's name is its password. With the name sensitive, ``set NAME``,
    ``remove numbers=NAME`` and key selectors hide it too."""
    from mikronet.routeros import PathSchema, Schema

    schema = Schema([PathSchema.parse("/snmp community", {"keys": ["name"], "props": {
        "name": "text; sensitive; required", "read-access": "bool = yes"}}, "test")])
    actual = parse("/snmp community\nadd name=zqPublic1 read-access=yes\nadd name=zqPrivate2\n"
                   "add name=zqOther3\n")
    desired = parse("/snmp community\nset zqPublic1 read-access=no\nremove numbers=zqPrivate2\n")
    plan = diff(desired, actual, schema=schema, own="all")
    assert len(plan) == 3  # the set, the named remove, and the remove of what the template lacks
    for text in (render_script(plan), json.dumps(plan_data(plan)), repr(plan), repr(render_api(plan, schema=schema))):
        assert "zqPublic1" not in text and "zqPrivate2" not in text and "zqOther3" not in text, text
    shown = render_script(plan, show_sensitive=True)
    assert "zqPublic1" in shown and "zqPrivate2" in shown and "zqOther3" in shown
