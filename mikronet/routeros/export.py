"""A :class:`~mikronet.routeros.model.Config` as ``/export`` writes it.

:func:`render_export` writes the header, menu lines and items, properties in alphabetical order
(v7: dotted names after one with the same prefix shortened, set flags as bare words), wrapped
the way RouterOS wraps (:func:`wrap_line`, measured on the corpus: 24 of its wrapped exports come
out byte for byte). ``terse`` writes one unwrapped full command per line. ``mode`` ``"as-is"``
writes the model exactly (``parse`` reads the same model back), ``"compact"`` drops defaults like
``/export``, ``"verbose"`` spells them out like ``/export verbose``. :func:`export_text` is what
``/export`` with its flags prints on a given RouterOS version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Final, Literal

from mikronet.routeros.model import EMPTY_PROPS, Config, Header, Props, Section, Value
from mikronet.routeros.normalize import effective_props, normalize, resolve_default
from mikronet.routeros.plan import hidden_keys
from mikronet.routeros.schema import PathSchema, Schema, Version, default_schema, parse_version
from mikronet.routeros.words import prop_word, selector_words

__all__ = ["WIDTH", "export_text", "render_export", "render_header", "wrap_line"]

WIDTH: Final = 79
_MAC: Final = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")
_UNIT: Final = re.compile(r"\\[0-9A-F]{2}|\\.|.", re.DOTALL)
_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _export_words(props: Mapping[str, Value], flags: frozenset[str], dots: bool) -> list[str]:
    """Properties as export writes them: sorted; a ``flag`` that is set as a bare word
    (``passive``); with ``dots`` (v7), a dotted name after one with the same prefix shortened
    (``local.address=… .role=ibgp``)."""
    words: list[str] = []
    prefix = ""
    for key in sorted(props):
        value = props[key]
        name = key
        if dots and "." in key and value is not None:  # an unset (``!a.b``) is written whole
            mine = key[: key.rindex(".")]
            if mine == prefix:
                name = key[len(mine):]
            prefix = mine
        if key in flags and value is not None and value.lower() in ("yes", "true"):
            words.append(key)
        else:
            words.append(prop_word(name, value))
    return words


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
            shown = hidden_keys(ps, EMPTY_PROPS, item.selector) if hide_sensitive else ()
            lines.append([item.verb, *selector_words(item.selector, shown), *_export_words(props, flags, dots)])
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


def _verbose(section: Section, ps: PathSchema, version: Version | None) -> Section:
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
