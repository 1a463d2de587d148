"""Quoting and escapes: what export writes, read back exactly; nothing in a value escapes it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mikronet.errors import ScriptError
from mikronet.routeros import parse, parse_command, quote, unescape
from mikronet.routeros.quoting import EscapeError, decode_bytes, escape

LATVIAN = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (r"a\"b", 'a"b'),
        (r"a\\b", "a\\b"),
        (r"\$x", "$x"),
        (r"why\?", "why?"),
        (r"a\_b", "a b"),
        (r"l1\r\nl2\t", "l1\r\nl2\t"),
        (r"\07\08", "\x07\x08"),
        (r"Skola \C4\81\C4\8D", "Skola āč"),  # how RouterOS exports Latvian letters
        (r"Tama\F1o", "Tamaño"),  # not UTF-8: latin-1 per byte
        (r"\C4\81\F1", "āñ"),  # valid UTF-8 then a stray byte
        (r"\\00", "\\00"),  # an escaped backslash, then plain digits (corpus 37)
        ("āč typed directly", "āč typed directly"),
    ],
)
def test_unescape_reads_every_escape_routeros_writes(body: str, text: str) -> None:
    assert unescape(body) == text


def test_unknown_escape_is_refused_with_its_offset() -> None:
    with pytest.raises(EscapeError) as info:
        unescape(r"ok \q")
    assert info.value.offset == 3


def test_decode_bytes_prefers_utf8() -> None:
    assert decode_bytes("Rīga".encode()) == "Rīga"
    assert decode_bytes(b"\xe9t\xe9") == "été"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("ether1", "ether1"),
        ("10.0.0.1/24", "10.0.0.1/24"),
        ("ftp,reboot,read", "ftp,reboot,read"),
        ("!LAN", "!LAN"),
        ("", '""'),
        ("WAN uplink", '"WAN uplink"'),
        ("[1003] - R1", '"[1003] - R1"'),
        ("a$b", '"a\\$b"'),
        ("Rīga", '"R\\C4\\ABga"'),
        ("x=y", '"x=y"'),
    ],
)
def test_quote_is_bare_only_when_safe(text: str, written: str) -> None:
    assert quote(text) == written


def test_escape_round_trips_control_and_latvian() -> None:
    text = f"{LATVIAN}\x01\x7f\n\t\"\\$?"
    assert unescape(escape(text)) == text


_VALUES = st.text(
    alphabet=st.sampled_from([*LATVIAN, *"abcXYZ019 \"'$\\;[]{}()=?#!*,./:\n\r\t-_", "\x00", "\x7f", "€"]),
    max_size=40,
) | st.text(max_size=20)


@given(_VALUES)
def test_any_string_through_quote_then_parse_is_itself(value: str) -> None:
    command = parse_command(f"/system note set note={quote(value)}")
    assert command is not None
    assert command.args == (("note", value),)
    model = parse(f"/system identity\nset name={quote(value)}\n")
    assert model["/system identity"].settings["name"] == value


def test_injection_through_a_template_value_stays_one_value() -> None:
    evil = 'x" ; /system reset-configuration ; :put "'
    script = f"/system identity\nset name={quote(evil)}\n"
    model = parse(script)  # a command would be refused: reset-configuration is not configuration
    assert model["/system identity"].settings["name"] == evil
    assert list(model.sections) == ["/system identity"]
    commands = [parse_command(line) for line in script.splitlines()]
    assert [c.verb for c in commands if c is not None] == [None, "set"]


def test_the_same_value_unquoted_would_be_refused() -> None:
    evil = 'x" ; /system reset-configuration ; :put "'
    with pytest.raises(ScriptError):
        parse(f"/system identity\nset name={evil}\n")
