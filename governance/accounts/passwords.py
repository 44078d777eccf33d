"""What a new password must be: long enough, not one of the 10,000 most common, not one letter over and over.

The list ships with the package (common-passwords.txt.gz, from Django's list; see common-passwords.LICENSE).
"""

import functools
import gzip
import os

from flask_babel import gettext as _

MIN_PASSWORD = 10
MAX_PASSWORD = 1000
MIN_DISTINCT_CHARACTERS = 5
COMMON_PASSWORDS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "common-passwords.txt.gz")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased, read once per process."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password, email: str | None = None) -> str | None:
    """The sentence that says what is wrong with a new password, or None when it will do."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        return _("A password needs at least %(n)d characters.", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("At most %(n)d characters.", n=MAX_PASSWORD)
    folded = password.strip().lower()
    if folded in common_passwords():
        return _("This is one of the most common passwords, which are guessed first. Choose a less obvious one.")
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return _(
            "This password repeats too few different characters to be hard to guess. "
            "Use at least %(n)d different ones.",
            n=MIN_DISTINCT_CHARACTERS,
        )
    local_part = (email or "").split("@")[0].strip().lower()
    if len(local_part) >= 4 and local_part in folded and len(folded) - len(local_part) < MIN_PASSWORD:
        return _("A password must not be mostly your email address.")
    return None
