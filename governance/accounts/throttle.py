"""Login limits that let a meeting room in: only failed logins count, per account and per address.

A board of forty behind one city hall address logs in at once; counting every login per
address locked them out. Here a correct login costs nothing. Failures count twice: per
account (an attacker's guesses at one person's password, from anywhere, back off after a
few) and per address (a high ceiling for guessing across many accounts, far above what a
room of typing people reaches). The counts live in the rate-limit storage
(`RATELIMIT_STORAGE_URI`: Redis when several processes serve, so every worker and every
server counts together), in moving windows so the wait can be told to the minute.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import ngettext
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)
EXTENSION = "governance.login_throttle"


@dataclass
class Throttled(Exception):
    """A login refused before its password is checked: too many recent failures."""

    retry_after: int  # seconds
    per_account: bool

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        if self.per_account:
            return ngettext(
                "Too many failed logins for this account. Try again in %(num)d minute.",
                "Too many failed logins for this account. Try again in %(num)d minutes.",
                minutes,
            )
        return ngettext(
            "Too many failed logins from your network. Try again in %(num)d minute.",
            "Too many failed logins from your network. Try again in %(num)d minutes.",
            minutes,
        )


def init_throttle(app: Flask) -> None:
    """Open the counters' storage for this app; warn when several processes would each count alone."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    app.extensions[EXTENSION] = MovingWindowRateLimiter(storage_from_string(uri)) if enabled else None
    if enabled and uri.startswith("memory://") and not (app.debug or app.testing):
        app.logger.warning(
            "Login limits are counted in this process's memory (RATELIMIT_STORAGE_URI=memory://): "
            "with more than one worker or server each counts apart. Set RATELIMIT_STORAGE_URI to a "
            "Redis URI, e.g. redis://127.0.0.1:6379/0."
        )


def _rules() -> list[tuple[object, str, bool]]:
    """(limit, prefix, per_account) for both counters, from the settings."""
    config = current_app.config
    return [
        (parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), "governance/login-failures/account", True),
        (parse(config["LOGIN_LIMIT_PER_ADDRESS"]), "governance/login-failures/address", False),
    ]


def _account_key(email) -> str:
    # Hashed: the counter store need not hold people's email addresses.
    normalised = email.strip().lower() if isinstance(email, str) else ""
    return hashlib.sha256(normalised.encode("utf-8", "replace")).hexdigest()[:32]


def _identifiers(email, address: str | None) -> list[tuple[object, tuple[str, str], bool]]:
    keys = {True: _account_key(email), False: address or "unknown"}
    return [(limit, (prefix, keys[per_account]), per_account) for limit, prefix, per_account in _rules()]


def check_login_allowed(email, address: str | None) -> None:
    """Raise Throttled when this account, or this address, has failed too often of late."""
    strategy = current_app.extensions.get(EXTENSION)
    if strategy is None:
        return
    try:
        for limit, identifiers, per_account in _identifiers(email, address):
            if not strategy.test(limit, *identifiers):
                reset, _remaining = strategy.get_window_stats(limit, *identifiers)
                raise Throttled(retry_after=max(1, math.ceil(reset - time.time())), per_account=per_account)
    except Throttled:
        raise
    except Exception:  # the counter store is down: let people in rather than stop the meeting
        logger.exception("login limits could not be read; the login goes ahead unthrottled")


def record_login_failure(email, address: str | None) -> None:
    """Count one failed login against the account and against the address."""
    strategy = current_app.extensions.get(EXTENSION)
    if strategy is None:
        return
    try:
        for limit, identifiers, _per_account in _identifiers(email, address):
            strategy.hit(limit, *identifiers)
    except Exception:
        logger.exception("a failed login could not be counted")
