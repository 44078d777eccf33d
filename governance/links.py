"""Signed, dated links (registration, invitation, password reset) whose age is measured by the one clock."""

from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from governance import clock


class ClockTimestampSigner(TimestampSigner):
    """itsdangerous' signer, stamping and checking links by `clock` rather than the machine's time."""

    def get_timestamp(self) -> int:
        return int(clock.aware_now().timestamp())


def serializer(salt: str) -> URLSafeTimedSerializer:
    """A serializer for one kind of link: signed with the app's secret key, dated by the app's clock."""
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt, signer=ClockTimestampSigner)
