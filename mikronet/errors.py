"""mikronet's exceptions.

Every error mikronet raises derives from :class:`MikronetError`. The tree::

    MikronetError
    ├── InputError                    bad input from a person: exit status 2
    │   ├── InventoryError            inventory file, line, field
    │   ├── SelectionError            a --limit that matched nothing, or is malformed
    │   ├── SecretError               a {env: …} / {file: …} reference that cannot be resolved
    │   ├── ImportFileError           a CSV/XLSX row that cannot become a school
    │   ├── ScriptError               RouterOS script that cannot be parsed (file, line, column)
    │   ├── TemplateError             a template that cannot be rendered (template, line, router)
    │   └── LedgerError               the ledger cannot be opened or written as asked (URL, file, line, event)
    └── RouterError                   something went wrong with one router: exit status 1
        ├── TransportError            cannot talk to the router
        │   ├── TransportTimeout      (also a TimeoutError)
        │   ├── AuthenticationError   the router refused the credentials
        │   └── TrustError            the router's identity cannot be checked
        │       ├── UntrustedError    nothing is pinned for it (run `mikronet trust`)
        │       └── IdentityChangedError  its host key / certificate differs from the pin
        ├── RouterBusyError           another push holds the router's lock
        └── RouterCommandError        RouterOS refused a command (path and its own message)

Errors carry their fields (``file``, ``line``, ``router``, ``path``, ``message``) as attributes, so
callers and reports never need to parse the text. Foreign exceptions (librouteros, paramiko,
netmiko) are translated into these at the transport edge and never leak past it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuthenticationError",
    "IdentityChangedError",
    "ImportFileError",
    "InputError",
    "InventoryError",
    "LedgerError",
    "LintError",
    "MikronetError",
    "RouterBusyError",
    "RouterCommandError",
    "RouterError",
    "ScriptError",
    "SecretError",
    "SelectionError",
    "TemplateError",
    "TransportError",
    "TransportTimeout",
    "TrustError",
    "UntrustedError",
]


class MikronetError(Exception):
    """The root of every error mikronet raises."""

    exit_status = 1


class InputError(MikronetError):
    """Input a person wrote is wrong; nothing has been done. Exit status 2."""

    exit_status = 2


def _where(file: str | Path | None, line: int | None, column: int | None = None) -> str:
    if file is None:
        return ""
    text = str(file)
    if line is not None:
        text += f":{line}"
        if column is not None:
            text += f":{column}"
    return text


class _LocatedInputError(InputError):
    """Bad input found at a file, a line and a field (each optional), named before the message."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        where = _where(file, line)
        parts = [p for p in (where, field) if p]
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class InventoryError(_LocatedInputError):
    """The inventory is malformed. Names the file, the line and the field."""


class SecretError(InventoryError):
    """A secret reference cannot be resolved (missing variable, unreadable file)."""


class SelectionError(InputError):
    """A ``--limit`` expression is malformed or selects nothing."""


class ImportFileError(InputError):
    """A spreadsheet cannot be imported. ``problems`` lists (row number, text) pairs."""

    def __init__(self, file: str | Path, problems: list[tuple[int | None, str]]) -> None:
        self.file = str(file)
        self.problems = problems
        lines = [f"{file}: row {row}: {text}" if row is not None else f"{file}: {text}" for row, text in problems]
        super().__init__("\n".join(lines))


class ScriptError(InputError):
    """RouterOS script that cannot be parsed; names file, line and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        where = _where(file if file is not None else "<script>", line, column)
        super().__init__(f"{where}: {message}")


class TemplateError(InputError):
    """A template cannot be rendered for a router."""

    def __init__(
        self,
        message: str,
        *,
        template: str | None = None,
        line: int | None = None,
        router: str | None = None,
    ) -> None:
        self.message = message
        self.template = template
        self.line = line
        self.router = router
        where = _where(template, line)
        parts = [p for p in (router, where) if p]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)


class LedgerError(_LocatedInputError):
    """The ledger cannot be used as asked: a bad URL, a missing file, a schema newer than this
    mikronet, an event that breaks the rules, an import file with a bad line or a broken chain.

    ``file``/``line``/``field`` locate a bad import line; ``event`` names the event concerned.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        event: str | None = None,
    ) -> None:
        self.event = event
        super().__init__(message, file=file, line=line, field=field)


class LintError(TemplateError):
    """A rendered template names menus or properties the router's RouterOS does not have; ``problems``
    holds each, with its template file and line."""

    def __init__(self, problems: list[object], *, router: str | None = None, template: str | None = None) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "lint problems"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more, template=None, router=None)
        self.template = template
        self.router = router


class RouterError(MikronetError):
    """Something failed on or on the way to one router. Names the router."""

    def __init__(self, message: str, *, router: str | None = None, path: str | None = None) -> None:
        self.message = message
        self.router = router
        self.path = path
        parts = [p for p in (router, path) if p]
        super().__init__(f"{' '.join(parts)}: {message}" if parts else message)


class TransportError(RouterError):
    """The router cannot be reached or the session broke."""


class TransportTimeout(TransportError, TimeoutError):
    """The router did not answer in time."""


class AuthenticationError(TransportError):
    """The router refused the credentials."""


class TrustError(TransportError):
    """The router's identity cannot be checked against a pin."""


class UntrustedError(TrustError):
    """Nothing is pinned for the router, so its identity cannot be checked; nothing was sent."""


class IdentityChangedError(TrustError):
    """The router presented a host key or certificate other than the pinned one; nothing was sent."""


class RouterBusyError(RouterError):
    """Another push holds the router's lock; nothing was changed."""


class RouterCommandError(RouterError):
    """RouterOS refused a command; ``message`` is RouterOS's own text."""

    def __init__(
        self,
        message: str,
        *,
        router: str | None = None,
        path: str | None = None,
        category: int | None = None,
    ) -> None:
        self.category = category
        super().__init__(message, router=router, path=path)
