"""asyncssh, imported without its import-time warnings.

asyncssh's DSA support names cryptography's deprecated DSA classes, so importing it prints a
``CryptographyDeprecationWarning`` per name on stderr (the demo showed several). The twins never offer
a DSA key; the warning says nothing about them, so it is silenced here, for this import only.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    import asyncssh
    import asyncssh.channel

__all__ = ["asyncssh"]
