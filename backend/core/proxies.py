"""The client's address behind the TLS proxy (see TTXD_TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

from typing import Any


def client_address_from_proxies(app: Any, proxies: int) -> Any:
    """Take REMOTE_ADDR from X-Forwarded-For as set by `proxies` trusted proxies.

    Only the client's address: the scheme comes from SECURE_PROXY_SSL_HEADER
    and the host from the Host header, as Django decides them.
    """
    if not proxies:
        return app
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(app, x_for=proxies, x_proto=0, x_host=0, x_port=0, x_prefix=0)
