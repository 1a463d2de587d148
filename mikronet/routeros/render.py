"""Render plans and models: RouterOS script, API operations, canonical export.

* :func:`render_script` -- a :class:`Plan` as console commands, one full command per line
  (``/ip address add address=… interface=…``), for SSH and for people. Sensitive values are
  ``***`` unless ``show_sensitive``; a property going back to its default is written ``!name``
  (the form ``export verbose`` uses).
* :func:`render_api` -- a plan as :class:`ApiCommand` values: API path, command word and attribute
  words, ready for librouteros. Items are named by queries on their key properties; the
  transport resolves them to ``.id`` when it applies the command.
* :func:`render_export` -- a :class:`Config` as ``/export`` writes it: header, menu lines, items,
  properties in alphabetical order, lines wrapped at 79 columns with ``\\`` and four spaces
  (``terse``: one unwrapped full line per item). Options: ``mode`` ``"as-is"`` / ``"compact"``
  (defaults dropped) / ``"verbose"`` (defaults spelled out), ``hide_sensitive``, ``strip_macs``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final, Literal

from mikronet.routeros.model import Config, Find, Header, Props, Ref, Section, Selector, Value
from mikronet.routeros.normalize import effective_props, normalize, resolve_default
from mikronet.routeros.plan import Add, Move, Plan, Remove, Set
from mikronet.routeros.quoting import quote
from mikronet.routeros.schema import Schema, Version, default_schema, parse_version
from mikronet.secret import MASK

__all__ = [
    "ApiCommand",
    "export_text",
    "render_api",
    "render_command",
    "render_export",
    "render_header",
    "render_script",
    "selector_query",
    "wrap_line",
]

WIDTH: Final = 79
_MAC: Final = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")
_UNIT: Final = re.compile(r"\\[0-9A-F]{2}|\\.|.", re.DOTALL)
_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# ---------------------------------------------------------------------------------------------
# words and lines


def _prop_word(key: str, value: Value, masked: bool = False) -> str:
    if value is None:
        return f"!{key}"
    return f"{key}={MASK if masked else quote(value)}"


def _props_words(props: Mapping[str, Value], sensitive: Iterable[str] = (), show_sensitive: bool = True,
                 sort: bool = True) -> list[str]:
    hidden = set(sensitive) if not show_sensitive else set()
    keys = sorted(props) if sort else list(props)
    return [_prop_word(k, props[k], k in hidden) for k in keys]


def _export_words(props: Mapping[str, Value], flags: frozenset[str], dots: bool) -> list[str]:
    """Properties as export writes them: sorted; a ``flag`` that is set as a bare word
    (``passive``); with ``dots`` (v7), a dotted name after one with the same prefix shortened
    (``local.address=… .role=ibgp``)."""
    words: list[str] = []
    prefix = ""
    for key in sorted(props):
        value = props[key]
        name = key
        if dots and "." in key:
            mine = key[: key.rindex(".")]
            if mine == prefix:
                name = key[len(mine):]
            prefix = mine
        if key in flags and value is not None and value.lower() in ("yes", "true"):
            words.append(key)
        else:
            words.append(_prop_word(name, value))
    return words


def _selector_words(selector: Selector | None) -> list[str]:
    if selector is None:
        return []
    if isinstance(selector, Ref):
        return [selector.render()]
    if not selector.conds:
        return ["[", "find", "]"]
    return ["[", "find", *(c.render() for c in selector.conds), "]"]


def render_command(path: str, verb: str, selector: Selector | None = None,
                   props: Mapping[str, Value] | None = None, *, sort: bool = True) -> str:
    """One full console command: ``/ip address set [ find address=1.2.3.4/24 ] comment=x``."""
    words = [path, verb, *_selector_words(selector), *_props_words(props or {}, sort=sort)]
    return " ".join(words)


def _wrap_quoted(text: str, word: str, opening: int, width: int, limit: int) -> tuple[list[str], str]:
    """Lay ``word`` (holding one quoted string) out from ``text`` on: fill each line to ``width``
    with the backslash, split anywhere but inside an escape and never before the string's first
    character; every escaped newline (``\\n``) starts a line, as scripts are exported; a
    continuation that would start with a space starts with ``\\_``. Returns the full lines and
    the last, open one."""
    units = _UNIT.findall(word)
    body_from = len(_UNIT.findall(word[: opening + 1]))
    newlines = [k for k, unit in enumerate(units) if unit == "\\n"]
    lines: list[str] = []
    remaining = len(word)
    i = 0
    while len(text) + remaining > limit or (newlines and newlines[-1] > max(i, body_from)):
        room = width - 1 - len(text)
        j, used = i, 0
        while j < len(units) and used + len(units[j]) <= room:
            if units[j] == "\\n" and j > i and j > body_from:
                break
            used += len(units[j])
            j += 1
        if j == len(units):  # the rest fits only with the backslash: keep the quote for the next line
            j -= 1
            used -= len(units[j])
        if j <= body_from or j == i:  # not even the first character of the string fits here
            if not text.strip():
                break  # leave the line long
            lines.append(text.rstrip(" ") + " \\")
            text = "    "
            continue
        lines.append(text + "".join(units[i:j]) + "\\")
        remaining -= used
        text, i = "    ", j
        body_from = 0
        if i < len(units) and units[i] == " ":
            units[i] = "\\_"
            remaining += 1
    return lines, text + "".join(units[i:])


def wrap_line(words: list[str], width: int = WIDTH) -> list[str]:
    """Physical lines for one command, as export wraps (measured on the corpus). Words fill a
    line to ``width - 2`` characters; then the line ends in `` \\`` and the next is indented by
    four spaces. A ``key=value`` that does not fit breaks after ``=`` when ``key=\\`` fits and
    the value fits a fresh line; a value too long for any line is quoted (if it was not) and its
    string fills each line to ``width`` with the backslash, split anywhere but inside an escape."""
    lines: list[str] = []
    cur = ""
    room = width - 2
    for word in words:
        while True:
            sep = " " if cur.strip() else ""
            if len(cur) + len(sep) + len(word) <= room:
                cur += sep + word
                break
            key, eq, value = word.partition("=")
            if '"' in key:
                key, eq, value = word, "", ""  # a quoted word, not key=value
            fits_fresh = 4 + len(value if eq else word) <= room
            if not fits_fresh:
                if eq and value and value[0] != '"':
                    value = f'"{value}"'  # quoted so that it can be split, as export does
                    word = f"{key}={value}"
                opening = word.find('"')
                if opening >= 0 and word.endswith('"') and len(word) - opening > 2:  # "…", key="…", key~"…"
                    done, cur = _wrap_quoted(cur + sep, word, opening, width, room)
                    lines.extend(done)
                    break
            if eq and value and fits_fresh and len(cur) + len(sep) + len(key) + 1 <= room:
                lines.append(cur + sep + key + "=\\")
                cur = "    " + value
                break
            if cur.strip():
                lines.append(cur + " \\")
                cur = "    "
                continue  # the same word again, on a fresh line
            cur += word  # longer than any line can hold
            break
    lines.append(cur)
    return lines


# ---------------------------------------------------------------------------------------------
# plans


def _op_line(op: Add | Set | Remove | Move, show_sensitive: bool) -> str:
    if isinstance(op, Add):
        words = [op.path, "add", *_props_words(op.props, op.sensitive, show_sensitive)]
        if op.before is not None:
            words.append("place-before=" + _inline_selector(op.before))
        return " ".join(words)
    if isinstance(op, Set):
        return " ".join([op.path, "set", *_selector_words(op.selector),
                         *_props_words(op.props, op.sensitive, show_sensitive)])
    if isinstance(op, Remove):
        return " ".join([op.path, "remove", *_selector_words(op.selector)])
    words = [op.path, "move", *_selector_words(op.selector)]
    if op.before is not None:
        words.append("destination=" + _inline_selector(op.before))
    return " ".join(words)


def _inline_selector(selector: Selector) -> str:
    return " ".join(_selector_words(selector)) if isinstance(selector, Find) else selector.render()


def render_script(plan: Plan, *, show_sensitive: bool = False) -> str:
    """The plan as RouterOS console commands, one per line (empty plan: empty text)."""
    return "".join(_op_line(op, show_sensitive) + "\n" for op in plan)


@dataclass(frozen=True, repr=False)
class ApiCommand:
    """One API call: ``/ip/address`` + ``add`` + attribute words. ``query`` (API query words)
    names the items the command acts on, ``destination`` the item to move/place before; the
    transport turns them into ``.id`` / ``numbers`` / ``place-before``."""

    path: str
    command: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    query: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    sensitive: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        shown = {k: (MASK if k in self.sensitive else v) for k, v in self.attributes.items()}
        return (f"ApiCommand({self.path!r}, {self.command!r}, {shown!r}, query={self.query!r}, "
                f"destination={self.destination!r})")


def selector_query(selector: Selector, name_key: str = "name") -> tuple[str, ...]:
    """API query words that pick what ``selector`` picks: ``[ find default-name=ether1 ]`` ->
    ``("?=default-name=ether1",)``; ``telnet`` -> ``("?=name=telnet",)``; ``*1F`` -> ``.id``."""
    if isinstance(selector, Find):
        words: list[str] = []
        for cond in selector.conds:
            if cond.op == "~":
                raise ValueError("API queries cannot match a regular expression")
            words.append(f"?={cond.key}={cond.value}")
            if cond.op == "!=":
                words.append("?#!")
        return tuple(words)
    if selector.is_id:
        key = ".id"
    elif selector.is_number:
        raise ValueError("an item number only means something in a console session")
    else:
        key = name_key
    words = [f"?={key}={v}" for v in selector.values]
    words += ["?#|"] * (len(selector.values) - 1)
    return tuple(words)


def render_api(plan: Plan, *, schema: Schema | None = None) -> list[ApiCommand]:
    """The plan as API commands, in order."""
    schema = schema or default_schema()
    out: list[ApiCommand] = []
    for op in plan:
        api_path = "/" + "/".join(op.path.split()[0:]).lstrip("/")
        name_key = schema.get(op.path).name_key
        if isinstance(op, Add):
            attrs = {k: v for k, v in op.props.items() if v is not None}
            dest = selector_query(op.before, name_key) if op.before is not None else ()
            out.append(ApiCommand(api_path, "add", attrs, (), dest, op.sensitive))
        elif isinstance(op, Set):
            attrs = {(k if v is not None else f"!{k}"): (v or "") for k, v in op.props.items()}
            query = selector_query(op.selector, name_key) if op.selector is not None else ()
            out.append(ApiCommand(api_path, "set", attrs, query, (), op.sensitive))
        elif isinstance(op, Remove):
            out.append(ApiCommand(api_path, "remove", {}, selector_query(op.selector, name_key)))
        else:
            dest = selector_query(op.before, name_key) if op.before is not None else ()
            out.append(ApiCommand(api_path, "move", {}, selector_query(op.selector, name_key), dest))
    return out


# ---------------------------------------------------------------------------------------------
# export


def render_header(version: str, when: datetime | None = None, *, software_id: str | None = None,
                  model: str | None = None, serial_number: str | None = None) -> Header:
    """The header RouterOS ``version`` writes at ``when``: ISO dates from 7.10, ``jan/02/1970``
    style before."""
    when = when or datetime(1970, 1, 2)
    if parse_version(version) >= (7, 10):
        date = when.strftime("%Y-%m-%d %H:%M:%S")
    else:
        date = f"{_MONTHS[when.month - 1]}/{when.day:02d}/{when.year} {when:%H:%M:%S}"
    return Header(version=version, date=date, software_id=software_id, model=model,
                  serial_number=serial_number)


def _header_lines(header: Header, strip: bool) -> list[str]:
    lines: list[str] = []
    if header.version is not None:
        if header.date:
            lines.append(f"# {header.date} by RouterOS {header.version}")
        else:
            lines.append(f"# RouterOS {header.version}")
    if header.software_id is not None and not strip:
        lines.append(f"# software id = {header.software_id}")
    if header.model is not None or (header.serial_number is not None and not strip):
        lines.append("#")
        if header.model is not None:
            lines.append(f"# model = {header.model}")
        if header.serial_number is not None and not strip:
            lines.append(f"# serial number = {header.serial_number}")
    return lines


def _strip_macs(props: Mapping[str, Value], types: Mapping[str, str]) -> Props:
    return Props((k, v) for k, v in props.items()
                 if not (v is not None and (types.get(k) == "mac" or _MAC.fullmatch(v))))


def render_export(
    config: Config,
    *,
    terse: bool = False,
    mode: Literal["as-is", "compact", "verbose"] = "as-is",
    hide_sensitive: bool = False,
    strip_macs: bool = False,
    header: bool = True,
    version: str | None = None,
    schema: Schema | None = None,
    width: int = WIDTH,
) -> str:
    """``config`` as an export. ``as-is`` writes the model exactly (``parse`` reads the same model
    back); ``compact`` drops defaults like ``/export``; ``verbose`` spells them out like
    ``/export verbose``. ``strip_macs`` leaves out MAC-address values and the serial number and
    software id, so exports of different units of one model compare cleanly in git."""
    schema = schema or default_schema()
    ver: Version | None = parse_version(version) if version else None
    if ver is None and config.header is not None and config.header.version:
        ver = parse_version(config.header.version)
    if mode == "compact":
        config = normalize(config, schema=schema, version=ver)
    dots = ver is not None and ver >= (7,)
    out: list[str] = []
    if header and config.header is not None:
        out.extend(_header_lines(config.header, strip_macs))
    out.extend(f"#mikronet: {how} {path}" for path, how in config.ownership.items())
    for w in config.warnings:
        if w.text.startswith("error exporting "):
            out.append("#" + w.text.replace("error exporting ", "error exporting ", 1))
    for path, section in config.sections.items():
        ps = schema.get(path)
        if mode == "verbose":
            section = _verbose(section, ps, ver)
        types = {k: p.type for k, p in ps.props.items()}
        flags = frozenset(k for k, t in types.items() if t == "flag")
        hidden = ps.sensitive if hide_sensitive else frozenset()
        lines: list[list[str]] = []

        def clean(props: Mapping[str, Value], hidden: frozenset[str] = hidden,
                  types: Mapping[str, str] = types) -> Props:
            kept = Props((k, v) for k, v in props.items() if k not in hidden)
            return _strip_macs(kept, types) if strip_macs else kept

        if section.settings:
            settings = clean(section.settings)
            if settings:
                lines.append(["set", *_export_words(settings, flags, dots)])
        for item in section.items:
            props = clean(item.props)
            if item.verb == "set" and not props and item.props:
                continue
            lines.append([item.verb, *_selector_words(item.selector), *_export_words(props, flags, dots)])
        if not lines:
            continue
        if terse:
            out.extend(" ".join([path, *words]) for words in lines)
        else:
            out.append(path)
            for words in lines:
                out.extend(wrap_line(words, width))
    return "\n".join(out) + "\n" if out else ""


def export_text(
    config: Config,
    *,
    version: str,
    flags: Iterable[str] = (),
    when: datetime | None = None,
    software_id: str | None = None,
    model: str | None = None,
    serial_number: str | None = None,
    schema: Schema | None = None,
) -> str:
    """What ``/export`` with ``flags`` (``terse``, ``verbose``, ``compact``, ``hide-sensitive``,
    ``show-sensitive``) prints on RouterOS ``version``: the header of that version, compact
    unless ``verbose``, sensitive values shown by default on v6 and hidden by default on v7."""
    words = set(flags)
    v7 = parse_version(version) >= (7,)
    hide = ("show-sensitive" not in words) if v7 else ("hide-sensitive" in words)
    header = render_header(version, when, software_id=software_id, model=model, serial_number=serial_number)
    return render_export(
        replace(config, header=header),
        terse="terse" in words,
        mode="verbose" if "verbose" in words else "compact",
        hide_sensitive=hide,
        version=version,
        schema=schema,
    )


def _verbose(section: Section, ps: object, version: Version | None) -> Section:
    from mikronet.routeros.schema import PathSchema

    assert isinstance(ps, PathSchema)
    known = [(k, p) for k, p in ps.props.items()
             if not p.read_only and p.exists_in(version) and p.default_for(version) is not None]

    def fill(props: Props, context: Mapping[str, Value], builtin: Mapping[str, Value] | None) -> Props:
        data = dict(props)
        for key, _spec in known:
            if key not in data:
                value = resolve_default(ps, key, context, version, builtin)
                if value is not None:
                    data[key] = value
        return Props(data)

    settings = fill(section.settings, section.settings, None) if ps.singleton else section.settings
    items = tuple(
        item if item.verb == "remove" else item.with_props(
            fill(item.props, effective_props(item), ps.builtin_defaults(item.selector, item.props)))
        for item in section.items
    )
    return Section(section.path, settings, items)

