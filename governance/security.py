"""Deployment hardening: the real client address behind a proxy, HSTS over https, the login counters."""

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from governance.accounts.throttle import init_throttle

PROXY_SETTINGS = {
    "PROXY_FIX_X_FOR": "x_for",
    "PROXY_FIX_X_PROTO": "x_proto",
    "PROXY_FIX_X_HOST": "x_host",
    "PROXY_FIX_X_PORT": "x_port",
    "PROXY_FIX_X_PREFIX": "x_prefix",
}


def install_security(app: Flask) -> None:
    """Trust as many proxies as the settings say (none by default), send HSTS on https, open the counters."""
    hops = {argument: int(app.config.get(setting) or 0) for setting, argument in PROXY_SETTINGS.items()}
    if any(hops.values()):
        # Only behind a proxy that sets these headers: otherwise anyone could claim any address.
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)
    init_throttle(app)

    @app.after_request
    def strict_transport_security(response):
        # request.is_secure is right behind a TLS proxy once PROXY_FIX_X_PROTO trusts it.
        if request.is_secure and app.config.get("HSTS_SECONDS"):
            response.headers.setdefault("Strict-Transport-Security", f"max-age={int(app.config['HSTS_SECONDS'])}")
        return response
