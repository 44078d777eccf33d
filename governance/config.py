"""Settings in code; instance/config.py and FLASK_* variables override them."""

DEFAULTS = {
    "SECRET_KEY": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLITE_BUSY_TIMEOUT_MS": 30_000,
    "LANGUAGES": ["nl", "en"],
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    # The one clock (governance/clock.py): None is the real time; an ISO date-time fixes it for a demo or a
    # test, and CLOCK_NOW_SET_AT (the real instant it was set) lets it run on from there.
    "CLOCK_NOW": None,
    "CLOCK_NOW_SET_AT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    # Rate limits: in memory for one process; production sets a Redis URI.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Only failed logins count: per account (any address), and per address (any account) with room for a
    # whole board behind one city hall address.
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "300 per 15 minutes",
    # Trusted proxies in front of the app (Werkzeug ProxyFix): how many set each X-Forwarded-* header.
    # 0 (the default) trusts none; behind one TLS proxy set PROXY_FIX_X_FOR = 1 and PROXY_FIX_X_PROTO = 1.
    "PROXY_FIX_X_FOR": 0,
    "PROXY_FIX_X_PROTO": 0,
    "PROXY_FIX_X_HOST": 0,
    "PROXY_FIX_X_PORT": 0,
    "PROXY_FIX_X_PREFIX": 0,
    # Strict-Transport-Security on https responses (one year); 0 sends none.
    "HSTS_SECONDS": 365 * 24 * 3600,
    # API tokens expire this many days after they are issued.
    "API_TOKEN_DAYS": 30,
    # A token's "last used" is written at most this often (seconds), in one batch per process.
    "API_TOKEN_USE_SECONDS": 60,
    # A vote writes its audit entry unsealed (with a keyed MAC); one entry number in this many also seals
    # the chain when its head is free, and the close of a poll always seals before it counts.
    "AUDIT_SEAL_EVERY": 50,
    # Request bodies: uploads may be large, JSON may not.
    "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
    "API_MAX_JSON_BYTES": 1024 * 1024,
    "UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
    # The network as init-db creates it.
    "NETWORK_NAME": "G32",
    "NETWORK_CAP": 40,
    "NETWORK_RENAME_AT": 40,
    "NETWORK_RENAME_TO": "G40",
    "NETWORK_MIN_POPULATION": 50_000,
    # Outgoing mail (governance/mail.py, through Flask-Mailman, whose MAIL_* names these are; MAIL_SENDER is
    # handed to it as MAIL_DEFAULT_SENDER). The backend is SMTP with a certificate-checked STARTTLS, tests
    # included; "console" prints the mail instead.
    "MAIL_BACKEND": "governance.mail",
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "secretariaat@g32.invalid",
    "MAIL_TIMEOUT": 10,
    # Personal registration links for the network day stay valid this many days.
    "REGISTRATION_LINK_DAYS": 60,
    # An account invitation's link (choose your own password) and a password-reset link stay valid this long.
    "ACCOUNT_INVITATION_DAYS": 7,
    "PASSWORD_RESET_MINUTES": 60,
    # A screen link for the projector (the big screen, no login) stays valid this many hours, unless revoked.
    "SCREEN_LINK_HOURS": 48,
    # The domain in the UIDs of calendar events.
    "CALENDAR_UID_DOMAIN": "governance.invalid",
    # Where uploaded meeting documents are kept (default: instance/documents).
    "DOCUMENTS_DIR": None,
    # The Ed25519 key that signs poll records and the HMAC key that seals secret ballots, kept outside the
    # database (default: instance/signing-key.pem and instance/mac-key, created by init-db with mode 0600).
    "SIGNING_KEY_FILE": None,
    "MAC_KEY_FILE": None,
    # Charts cache entries kept per process.
    "CHART_CACHE_SIZE": 256,
    "CHART_CACHE_BYTES": 64 * 1024 * 1024,
}
