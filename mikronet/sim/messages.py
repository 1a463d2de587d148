"""RouterOS's own messages, verbatim, in one place.

Every text a simulated router shows a client comes from here, so a grep finds them all and a
correction happens once. Sources: ``../shared/docs/routeros.md`` (sections 1.10, 4.5, 6.5) and the
real captures it cites. Items marked *unconfirmed* are plausible but not seen on a real router;
they are kept as constants so they are easy to correct.

Categories (``=category=`` of a ``!trap``), from the official API page: 0 missing item or command,
1 argument value failure, 2 execution interrupted, 3 scripting failure, 4 general failure, 5 API
failure, 6 TTY failure, 7 ``:return`` value. Which category the "no such …" traps carry is
unconfirmed on a real router; :data:`NO_SUCH_CATEGORY` keeps the value the documentation implies.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ALREADY_HAVE_ADDRESS",
    "ALREADY_HAVE_ITEM",
    "ALREADY_HAVE_NAME",
    "BACKUP_BAD_FILE",
    "BACKUP_WRONG_PASSWORD",
    "BAD_COMMAND_NAME",
    "BAD_COMMAND_NAME_BARE",
    "CANNOT_CHANGE_DYNAMIC",
    "CANNOT_LOG_IN",
    "CANNOT_REMOVE_BUILTIN",
    "CATEGORY_API",
    "CATEGORY_ARGUMENT",
    "CATEGORY_GENERAL",
    "CATEGORY_INTERRUPTED",
    "CATEGORY_MISSING",
    "CATEGORY_SCRIPT",
    "DOWNLOADED_REBOOT",
    "DOWNLOADED_REBOOTING",
    "DOWNLOADING",
    "DOWNLOAD_CALCULATING",
    "DOWNLOAD_PROGRESS",
    "ERROR_DOWNLOAD_FAILED",
    "ERROR_NOT_ENOUGH_DISK",
    "EXPECTED_END_OF_COMMAND",
    "EXPECTED_END_OF_COMMAND_BARE",
    "FETCH_FAILED",
    "FINDING_OUT_LATEST",
    "FIRMWARE_UPGRADED",
    "INPUT_DOES_NOT_MATCH",
    "INTERFACE_IN_USE",
    "INTERRUPTED",
    "INVALID_USER_OR_PASSWORD",
    "INVALID_VALUE",
    "NEW_VERSION_AVAILABLE",
    "NOT_ENOUGH_DISK_SPACE",
    "NOT_ENOUGH_PRIVILEGES",
    "NOT_LOGGED_IN",
    "NO_SUCH_CATEGORY",
    "NO_SUCH_COMMAND",
    "NO_SUCH_COMMAND_PREFIX",
    "NO_SUCH_FILE",
    "NO_SUCH_ITEM",
    "SESSION_TERMINATED",
    "SYNTAX_ERROR",
    "SYNTAX_ERROR_BARE",
    "UNKNOWN_PARAMETER",
    "UP_TO_DATE",
    "VALUE_NEEDED",
]

# --- categories ---------------------------------------------------------------------------------
CATEGORY_MISSING: Final = 0
CATEGORY_ARGUMENT: Final = 1
CATEGORY_INTERRUPTED: Final = 2
CATEGORY_SCRIPT: Final = 3
CATEGORY_GENERAL: Final = 4
CATEGORY_API: Final = 5
NO_SUCH_CATEGORY: Final[int | None] = None  # unconfirmed; real captures show none

# --- API: session ----------------------------------------------------------------------------------
INVALID_USER_OR_PASSWORD: Final = "invalid user name or password (6)"  # >= 6.43
CANNOT_LOG_IN: Final = "cannot log in"  # < 6.43
SESSION_TERMINATED: Final = "session terminated on request"  # !fatal after /quit
NOT_LOGGED_IN: Final = "not logged in"  # a command before /login (unconfirmed wording)
INTERRUPTED: Final = "interrupted"  # category 2, /cancel

# --- API and CLI: commands and arguments -----------------------------------------------------------
NO_SUCH_COMMAND_PREFIX: Final = "no such command prefix"
NO_SUCH_COMMAND: Final = "no such command"
NO_SUCH_ITEM: Final = "no such item"
UNKNOWN_PARAMETER: Final = "unknown parameter"
NOT_ENOUGH_PRIVILEGES: Final = "not enough privileges"
ALREADY_HAVE_ADDRESS: Final = "failure: already have such address"
ALREADY_HAVE_NAME: Final = "failure: item with this name already exists"
ALREADY_HAVE_ITEM: Final = "failure: already have such item"  # generic key clash (unconfirmed)
INPUT_DOES_NOT_MATCH: Final = "input does not match any value of {name}"  # category 1
INVALID_VALUE: Final = "invalid value for argument {name}"  # category 1
VALUE_NEEDED: Final = "value of {name} expected"  # missing mandatory argument (unconfirmed)
NO_SUCH_FILE: Final = "no such file"  # /import, /system/backup/load of a missing file (unconfirmed)
NOT_ENOUGH_DISK_SPACE: Final = "failure: not enough disk space"  # file write on a full disk (unconfirmed)
BACKUP_BAD_FILE: Final = "failure: backup file is not valid"  # unconfirmed wording
BACKUP_WRONG_PASSWORD: Final = "failure: wrong password"  # loading an encrypted backup (unconfirmed)
CANNOT_REMOVE_BUILTIN: Final = "failure: can not remove builtin item"  # unconfirmed wording
CANNOT_CHANGE_DYNAMIC: Final = "failure: can not change dynamic item"  # unconfirmed wording
INTERFACE_IN_USE: Final = "failure: interface is used"  # removing a referenced interface (unconfirmed)

# --- CLI / script positions (line and column are 1-based) ----------------------------------------
BAD_COMMAND_NAME: Final = "bad command name {word} (line {line} column {column})"
SYNTAX_ERROR: Final = "syntax error (line {line} column {column})"
EXPECTED_END_OF_COMMAND: Final = "expected end of command (line {line} column {column})"
BAD_COMMAND_NAME_BARE: Final = "bad command name {word}"
SYNTAX_ERROR_BARE: Final = "syntax error"
EXPECTED_END_OF_COMMAND_BARE: Final = "expected end of command"

# --- /system package update status (section 6.5) -------------------------------------------------
FINDING_OUT_LATEST: Final = "finding out latest version..."
NEW_VERSION_AVAILABLE: Final = "New version is available"
UP_TO_DATE: Final = "System is already up to date"
DOWNLOAD_CALCULATING: Final = "calculating download size..."
DOWNLOADING: Final = "downloading..."
DOWNLOAD_PROGRESS: Final = "Downloaded {percent}% ({mib:.1f}MiB)"
DOWNLOADED_REBOOT: Final = "Downloaded, please reboot router to upgrade it"
DOWNLOADED_REBOOTING: Final = "Downloaded, rebooting..."
ERROR_NOT_ENOUGH_DISK: Final = "ERROR: not enough disk space"
ERROR_DOWNLOAD_FAILED: Final = "ERROR: IPv4: server is not responding / IPv6: no internet connection"

FETCH_FAILED: Final = "failure: connection refused"  # /tool fetch of anything but a package (unconfirmed)

# --- /system routerboard upgrade (section 6.7) ---------------------------------------------------
FIRMWARE_UPGRADED: Final = "Firmware upgraded successfully, please reboot for changes to take effect!"
