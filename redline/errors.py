"""Errors that end a command with the contract's exit status and a message to act on.

Plain exceptions: library code raises them and never prints; the CLI layer
(redline/cli/__init__.py) turns each into one line on stderr and its exit status.
"""

from __future__ import annotations

EX_USAGE_CONFIG = 2
EX_UNAVAILABLE = 69
EX_CANTCREAT = 73
EX_TEMPFAIL = 75


class RedlineError(Exception):
    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigProblem(RedlineError):
    exit_code = EX_USAGE_CONFIG


class Unavailable(RedlineError):
    """A service the command needs (the cluster's Redis) does not answer."""

    exit_code = EX_UNAVAILABLE


class CannotWrite(RedlineError):
    exit_code = EX_CANTCREAT


class IndexUnreadable(RedlineError):
    """The index is damaged or unreadable: `redline reindex` rebuilds it from the WARCs."""

    exit_code = EX_CANTCREAT


class Locked(RedlineError):
    exit_code = EX_TEMPFAIL
