"""Library-grade logging: a NullHandler at the root and one redacting filter everywhere.

librouteros logs the password at DEBUG; :func:`install_redaction` puts the redacting filter on its
logger too, so even with DEBUG turned on no secret reaches a handler.
"""

from __future__ import annotations

import logging

from mikronet.secret import RedactingFilter

__all__ = ["install_redaction", "router_logger"]

_FILTER = RedactingFilter()
# A logger's filters apply only to records created on it, not to its children's: name each module
# logger that can see a password (librouteros.protocol logs every word it sends at DEBUG).
_GUARDED = (
    "mikronet",
    "librouteros",
    "librouteros.protocol",
    "librouteros.api",
    "librouteros.login",
    "netmiko",
    "paramiko",
    "paramiko.transport",
    "asyncssh",
)

logging.getLogger("mikronet").addHandler(logging.NullHandler())


class _RaisedAnyway(logging.Filter):
    """paramiko's transport thread logs every failure as ERROR records, a traceback line by line, and
    then raises the same failure to its caller, which mikronet's transports translate into one error
    with its cause. Those records would only repeat it as tracebacks on stderr (six for one silent
    port); lower levels pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR


_PARAMIKO_FILTER = _RaisedAnyway()


def install_redaction() -> None:
    """Attach the redacting filter to mikronet's and the router libraries' loggers, and keep paramiko's
    tracebacks of errors it raises anyway off stderr (idempotent)."""
    for name in _GUARDED:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    paramiko = logging.getLogger("paramiko.transport")
    if _PARAMIKO_FILTER not in paramiko.filters:
        paramiko.addFilter(_PARAMIKO_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


def router_logger(name: str, router: str) -> logging.LoggerAdapter[logging.Logger]:
    """A logger whose records carry the router id (``extra={'router': …}``) and name it in the text."""

    class _Adapter(logging.LoggerAdapter[logging.Logger]):
        def process(self, msg: object, kwargs: dict) -> tuple[object, dict]:  # type: ignore[override,type-arg]
            kwargs.setdefault("extra", {})["router"] = router
            return f"{router}: {msg}", kwargs

    return _Adapter(logging.getLogger(name), {})


install_redaction()
