"""HTTPS, cookies, the reverse proxy and the security headers, read from the
environment (off by default for `make run`; the compose stack turns them on).
Read by backend.settings, which imports them all."""

from __future__ import annotations

from backend.environment import env, env_bool, env_int

# --- HTTPS and the reverse proxy ----------------------------------------------
# Off by default so `make run` works on http://127.0.0.1:8000; the compose
# stack (behind its TLS-terminating nginx) turns them on: see .env.example.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# The field app reads the CSRF token from its cookie (queue.js): not HttpOnly.
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = env("DJANGO_SESSION_COOKIE_SAMESITE", "Lax") or "Lax"
CSRF_COOKIE_SAMESITE = env("DJANGO_CSRF_COOKIE_SAMESITE", "Lax") or "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Container health checks reach gunicorn directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# The request header a trusted proxy sets to "https" (e.g. X-Forwarded-Proto).
# Only set it when every request comes through a proxy that overwrites it:
# a client could otherwise claim HTTPS.
_proxy_ssl_header = (env("DJANGO_SECURE_PROXY_SSL_HEADER", "") or "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
# How many proxies in front of the app append to X-Forwarded-For (0: trust
# none). backend.wsgi then takes the client's address from that header as
# REMOTE_ADDR, which the sign-in throttle counts per client.
TTXD_TRUSTED_PROXY_COUNT = env_int("TTXD_TRUSTED_PROXY_COUNT", 0)
SECURE_REFERRER_POLICY = env("DJANGO_SECURE_REFERRER_POLICY", "same-origin") or "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = (
    env("DJANGO_SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin") or "same-origin"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
