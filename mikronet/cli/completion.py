"""Shell completion: ``mikronet completion bash|zsh|fish`` and the completers options attach.

Commands and options complete through click's own machinery (the ``_MIKRONET_COMPLETE``
environment variable the printed script sets). The completers here add what only the inventory
knows: school and router ids, groups, ``key=value`` terms of ``--limit``, template names and
playbooks. They read the inventory named by ``-i``/``--inventory`` on the command line being
completed (else ``MIKRONET_INVENTORY``, else ``./inventory``) quickly and leniently: no
validation, no secrets, a broken file is skipped, and nothing is ever printed but candidates.

Attach one to an option or argument with ``shell_complete=complete_limit`` (``--limit``),
``complete_router``, ``complete_school``, ``complete_group``, ``complete_template`` or
``complete_playbook``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

__all__ = [
    "complete_group",
    "complete_limit",
    "complete_playbook",
    "complete_router",
    "complete_school",
    "complete_template",
    "completion",
]

SHELLS = ("bash", "zsh", "fish")
_LIMIT_KEYS = ("municipality", "model", "template", "transport", "connection", "routeros", "school", "router")


@dataclass
class _Known:
    """What completion needs from an inventory, read without validating it."""

    schools: list[str] = field(default_factory=list)
    routers: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    values: dict[str, set[str]] = field(default_factory=dict)


def _inventory_path(ctx: click.Context) -> Path:
    root = ctx.find_root()
    given = root.params.get("inventory_path")
    if given:
        return Path(given)
    return Path(os.environ.get("MIKRONET_INVENTORY") or "inventory")


def _read_known(path: Path) -> _Known:
    from mikronet.inventory import inventory_files
    from mikronet.inventory.source import read_text_file, read_yaml

    known = _Known()
    try:
        files = inventory_files(path)
    except Exception:  # completion never fails loudly: no candidates instead
        return known
    for file in files:
        try:
            data = read_yaml(read_text_file(file), file).data
        except Exception:
            continue
        if not isinstance(data, dict):
            continue
        _collect(known, data)
    return known


def _collect(known: _Known, data: dict[str, Any]) -> None:
    groups = data.get("groups")
    if isinstance(groups, dict):
        known.groups += [str(g) for g in groups]
    for layer in [data.get("defaults"), *(groups.values() if isinstance(groups, dict) else [])]:
        _note_settings(known, layer)
    schools = data.get("schools")
    for school in schools if isinstance(schools, list) else []:
        if not isinstance(school, dict) or "id" not in school:
            continue
        school_id = str(school["id"])
        known.schools.append(school_id)
        _note(known, "municipality", school.get("municipality"))
        connection = school.get("connection")
        _note(known, "connection", connection.get("type") if isinstance(connection, dict) else None)
        _note_settings(known, school)
        routers = school.get("routers")
        for router in routers if isinstance(routers, list) else []:
            if isinstance(router, dict) and "name" in router:
                known.routers.append(f"{school_id}/{router['name']}")
                _note(known, "model", router.get("model"))
                _note(known, "routeros", router.get("routeros"))
                _note_settings(known, router)


def _note_settings(known: _Known, layer: Any) -> None:
    if isinstance(layer, dict):
        _note(known, "template", layer.get("template"))
        _note(known, "transport", layer.get("transport"))


def _note(known: _Known, key: str, value: Any) -> None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        known.values.setdefault(key, set()).add(str(value))


def _matching(candidates: Iterable[str], incomplete: str, prefix: str = "") -> list[CompletionItem]:
    folded = incomplete.casefold()
    seen = dict.fromkeys(c for c in candidates if c.casefold().startswith(folded))
    return [CompletionItem(prefix + c) for c in seen]


def complete_router(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Router ids (``LV-0042/gw``) of the inventory."""
    return _matching(_read_known(_inventory_path(ctx)).routers, incomplete)


def complete_school(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """School ids (``LV-0042``) of the inventory."""
    return _matching(_read_known(_inventory_path(ctx)).schools, incomplete)


def complete_group(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Group names of the inventory."""
    return _matching(_read_known(_inventory_path(ctx)).groups, incomplete)


def _template_names(ctx: click.Context) -> list[str]:
    from mikronet.render import TEMPLATE_SUFFIX, find_template_dir

    given = ctx.params.get("templates")
    try:
        folder = find_template_dir(_inventory_path(ctx), Path(given) if given else None)
    except Exception:
        return []
    return sorted(p.name.removesuffix(TEMPLATE_SUFFIX) for p in folder.glob(f"*{TEMPLATE_SUFFIX}"))


def complete_template(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Template names in the templates folder the inventory uses."""
    return _matching(_template_names(ctx), incomplete)


def complete_playbook(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Playbook files (``playbooks/*.yaml``) beside the inventory or in the current folder."""
    base = _inventory_path(ctx).resolve().parent
    found: list[str] = []
    for folder in dict.fromkeys([base / "playbooks", base.parent / "playbooks", Path.cwd() / "playbooks"]):
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                found.append(str(path.relative_to(Path.cwd())))
            except ValueError:
                found.append(str(path))
    return _matching(found, incomplete)


def complete_limit(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The last term of a ``--limit``: ids, ``group:NAME``, ``key=value``, after ``!`` or ``&`` too."""
    done, _, term = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    if term[:1] in ("!", "&"):
        prefix, term = prefix + term[0], term[1:]
    known = _read_known(_inventory_path(ctx))
    if term.startswith("group:"):
        return _matching((f"group:{g}" for g in known.groups), term, prefix)
    if "=" in term:
        key = term.partition("=")[0]
        values = sorted(known.values.get(key, set()))
        if key == "template":
            values = sorted({*values, *_template_names(ctx)})
        return _matching((f"{key}={v}" for v in values), term, prefix)
    candidates = [
        *known.schools,
        *known.routers,
        *(f"group:{g}" for g in known.groups),
        *(f"{k}=" for k in _LIMIT_KEYS),
    ]
    return _matching(candidates, term, prefix)


# bash splits the word being completed at ':' and '=' (COMP_WORDBREAKS), so `--limit group:p`
# reaches a completer as three words. This function reads the words from the command line itself,
# asks mikronet with whole words, and hands bash back only the part after its own split.
BASH_SCRIPT = r"""
_mikronet_completion() {
    local line=${COMP_LINE:0:$COMP_POINT}
    local -a words
    IFS=$' \t' read -r -a words <<< "$line"
    if [[ -z $line || $line =~ [[:space:]]$ ]]; then words+=(""); fi
    local cword=$(( ${#words[@]} - 1 ))
    local cur=${words[cword]}
    local prefix=${cur%"${COMP_WORDS[COMP_CWORD]}"}
    local response completion type value
    response=$(env COMP_WORDS="${words[*]}" COMP_CWORD="$cword" _MIKRONET_COMPLETE=bash_complete "$1")
    COMPREPLY=()
    local IFS=$'\n'
    for completion in $response; do
        IFS=',' read -r type value <<< "$completion"
        case $type in
            dir) COMPREPLY=(); compopt -o dirnames ;;
            file) COMPREPLY=(); compopt -o default ;;
            plain) [[ $value == "$prefix"* ]] && COMPREPLY+=("${value#"$prefix"}") ;;
        esac
    done
    return 0
}

complete -o nosort -F _mikronet_completion mikronet
"""


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    \b
    bash:  mikronet completion bash > ~/.local/share/bash-completion/completions/mikronet
    zsh:   mikronet completion zsh > "${fpath[1]}/_mikronet"
    fish:  mikronet completion fish > ~/.config/fish/completions/mikronet.fish
    """
    from click.shell_completion import get_completion_class

    from mikronet.cli.main import cli

    if shell == "bash":
        click.echo(BASH_SCRIPT.strip("\n"))
        return
    cls = get_completion_class(shell)
    assert cls is not None  # every choice is a shell click supports
    click.echo(cls(cli, {}, "mikronet", "_MIKRONET_COMPLETE").source())
