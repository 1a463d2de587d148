"""The API query stack machine (``?name=x``, ``?#|&!``), as the official API page describes it.

Each query word pushes a boolean or rearranges the stack; the stack starts as infinitely many
``true``; an item passes when no ``false`` is left. Pure functions over a row of API text, so the
print handler and the tests share them.

A query is read once, before any row is looked at: ``?#`` operations become a short program, so a
print costs the same per row whatever the client sent, and a malformed or absurd word (an index of
five thousand digits, megabytes of operations) is refused as a whole -- it never stalls the fleet's
event loop, which every simulated router shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["QueryError", "compile_query", "matches"]

_TRUE = frozenset({"yes", "true"})
_FALSE = frozenset({"no", "false"})
MAX_OPS = 4096
"""Most ``?#`` operations in one request (clients send a handful; librouteros's ``In`` one per value)."""
MAX_WORDS = 4096
"""Most query words in one request."""
_MAX_INDEX_DIGITS = 6


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


Op = tuple[str, int]
"""One stack operation: (``push``/``last``, index) for an index, (``!&|.``, 0) otherwise."""


def _compile_ops(ops: str) -> tuple[Op, ...]:
    """``?#`` operations as a program; :class:`QueryError` for anything else or anything absurd."""
    if len(ops) > MAX_OPS:
        raise QueryError(f"?# operations longer than {MAX_OPS} characters")
    program: list[Op] = []
    i, last_was_index = 0, False
    while i < len(ops):
        ch = ops[i]
        if "0" <= ch <= "9":
            j = i
            while j < len(ops) and "0" <= ops[j] <= "9":
                j += 1
            if j - i > _MAX_INDEX_DIGITS:
                raise QueryError(f"stack index of {j - i} digits in ?#")
            program.append(("last" if j == len(ops) else "push", int(ops[i:j])))
            i, last_was_index = j, True
            continue
        if ch == ".":
            if not last_was_index:
                program.append((".", 0))
        elif ch in "!&|":
            program.append((ch, 0))
        else:
            raise QueryError(f"unknown query operation {ch!r} in ?#")
        last_was_index = False
        i += 1
    return tuple(program)


def _run_ops(stack: _Stack, program: tuple[Op, ...]) -> None:
    for op, index in program:
        if op == "push":
            stack.push(stack.peek(index))
        elif op == "last":
            stack.values = [stack.peek(index)]
        elif op == ".":
            stack.push(stack.peek(0))
        elif op == "!":
            stack.push(not stack.pop())
        elif op == "&":
            b, a = stack.pop(), stack.pop()
            stack.push(a and b)
        else:
            b, a = stack.pop(), stack.pop()
            stack.push(a or b)


Compiled = list[tuple[str, str, str | tuple[Op, ...]]]


def compile_query(words: Sequence[str]) -> Compiled:
    """Check and split query words into (operation, name, value); raise :class:`QueryError` if malformed."""
    if len(words) > MAX_WORDS:
        raise QueryError(f"more than {MAX_WORDS} query words")
    compiled: Compiled = []
    budget = MAX_OPS
    for word in words:
        if not word.startswith("?"):
            raise QueryError(f"not a query word: {word!r}")
        body = word[1:]
        if body.startswith("#"):
            program = _compile_ops(body[1:])
            budget -= len(program)
            if budget < 0:
                raise QueryError(f"more than {MAX_OPS} ?# operations in one query")
            compiled.append(("#", "", program))
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


def matches(row: Mapping[str, str], query: Compiled) -> bool:
    """Whether ``row`` (API text values; absent means unset) passes the compiled ``query``."""
    stack = _Stack()
    for op, name, value in query:
        if not isinstance(value, str):
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
