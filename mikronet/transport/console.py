"""What the RouterOS console prints back: its error lines (routeros.md §4.5).

Shared by the SSH transport and the console reader/applier beneath it.
"""

from __future__ import annotations

import re

__all__ = ["error_in"]

# The error lines RouterOS prints (routeros.md §4.5); the first that matches is the reply's error.
_ERROR_LINE = re.compile(
    r"^(bad command name .*|syntax error .*|expected end of command .*|expected command name .*|"
    r"no such item.*|input does not match any value .*|invalid value for argument .*|failure: .*|"
    r"ambiguous value of .*|value of .* out of range.*|missing value\(s\) of argument.*|"
    r"not enough permissions.*|couldn't .*)$",
    re.MULTILINE,
)


def error_in(output: str) -> str | None:
    """The first RouterOS error line in a command's output, if any."""
    match = _ERROR_LINE.search(output)
    return match.group(1).strip() if match else None
