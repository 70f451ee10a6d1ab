"""Errors that end a command with the contract's exit status and a message to act on."""

from __future__ import annotations

import click

EX_USAGE_CONFIG = 2
EX_CANTCREAT = 73
EX_TEMPFAIL = 75


class RedlineError(click.ClickException):
    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigProblem(RedlineError):
    exit_code = EX_USAGE_CONFIG


class CannotWrite(RedlineError):
    exit_code = EX_CANTCREAT


class Locked(RedlineError):
    exit_code = EX_TEMPFAIL
