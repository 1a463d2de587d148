"""The API query stack machine (``?name=x``, ``?#|&!``), as the official API page describes it.

Each query word pushes a boolean or rearranges the stack; the stack starts as infinitely many
``true``; an item passes when no ``false`` is left. Pure functions over a row of API text, so the
print handler and the tests share them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["QueryError", "compile_query", "matches"]

_TRUE = frozenset({"yes", "true"})
_FALSE = frozenset({"no", "false"})


class QueryError(ValueError):
    """A query word the stack machine cannot read."""


def _same(actual: str, wanted: str) -> bool:
    if actual == wanted:
        return True
    # clients send yes/no (librouteros) or true/false (mktxp, nornir) for boolean properties
    a, w = actual.lower(), wanted.lower()
    return (a in _TRUE and w in _TRUE) or (a in _FALSE and w in _FALSE)


def _compare(actual: str, wanted: str) -> int:
    try:
        a, w = int(actual), int(wanted)
    except ValueError:
        return (actual > wanted) - (actual < wanted)
    return (a > w) - (a < w)


class _Stack:
    """A boolean stack over an infinite floor of ``true``."""

    def __init__(self) -> None:
        self.values: list[bool] = []

    def push(self, value: bool) -> None:
        self.values.append(value)

    def pop(self) -> bool:
        return self.values.pop() if self.values else True

    def peek(self, index: int) -> bool:
        return self.values[-1 - index] if index < len(self.values) else True


def _run_ops(stack: _Stack, ops: str) -> None:
    i, last_was_index = 0, False
    while i < len(ops):
        ch = ops[i]
        if ch.isdigit():
            j = i
            while j < len(ops) and ops[j].isdigit():
                j += 1
            value = stack.peek(int(ops[i:j]))
            if j == len(ops):
                stack.values = [value]
            else:
                stack.push(value)
            i, last_was_index = j, True
            continue
        if ch == ".":
            if not last_was_index:
                stack.push(stack.peek(0))
        elif ch == "!":
            stack.push(not stack.pop())
        elif ch == "&":
            b, a = stack.pop(), stack.pop()
            stack.push(a and b)
        elif ch == "|":
            b, a = stack.pop(), stack.pop()
            stack.push(a or b)
        else:
            raise QueryError(f"unknown query operation {ch!r} in ?#{ops}")
        last_was_index = False
        i += 1


def compile_query(words: Sequence[str]) -> list[tuple[str, str, str]]:
    """Check and split query words into (operation, name, value); raise :class:`QueryError` if malformed."""
    compiled: list[tuple[str, str, str]] = []
    for word in words:
        if not word.startswith("?"):
            raise QueryError(f"not a query word: {word!r}")
        body = word[1:]
        if body.startswith("#"):
            compiled.append(("#", "", body[1:]))
            continue
        op = "="
        if body[:1] in ("<", ">", "-", "="):
            op, body = body[0], body[1:]
        if "=" in body:
            name, value = body.split("=", 1)
            if op == "-":
                raise QueryError(f"?-name takes no value: {word!r}")
            compiled.append((op, name, value))
        elif op in ("<", ">"):
            raise QueryError(f"comparison without a value: {word!r}")
        else:
            compiled.append(("-" if op == "-" else "has", body, ""))
    return compiled


def matches(row: Mapping[str, str], query: Sequence[tuple[str, str, str]]) -> bool:
    """Whether ``row`` (API text values; absent means unset) passes the compiled ``query``."""
    stack = _Stack()
    for op, name, value in query:
        if op == "#":
            _run_ops(stack, value)
            continue
        actual = row.get(name)
        if op == "has":
            stack.push(actual is not None)
        elif op == "-":
            stack.push(actual is None)
        elif op == "=":
            stack.push(_same(actual if actual is not None else "", value))
        elif actual is None:
            stack.push(False)
        elif op == "<":
            stack.push(_compare(actual, value) < 0)
        else:
            stack.push(_compare(actual, value) > 0)
    return all(stack.values)
