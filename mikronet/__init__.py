"""mikronet: run the MikroTik RouterOS routers of Latvian schools.

The public library surface is listed in ``__all__`` (a test keeps it honest). Heavy parts
(transports, simulator) are imported by their own modules, so ``import mikronet`` stays cheap.
"""

from __future__ import annotations

from mikronet import log as _log  # noqa: F401  installs the secret-redacting log filter on import

__version__ = "0.1.0"

__all__ = ["__version__"]
