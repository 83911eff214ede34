"""gunicorn for the web service (docker compose, the Dockerfile's CMD).

Phones upload photos over slow, flaky networks. In the compose stack nginx
receives every request body in full before gunicorn sees it, so a slow
client holds an nginx connection, never a worker. Here, in case gunicorn is
reached some other way: threaded workers (a slow request holds one thread,
not a whole process) and bounded request lines and headers. Request bodies
are bounded by nginx (client_max_body_size) and by Django
(DATA_UPLOAD_MAX_MEMORY_SIZE, TTXD_PHOTO_MAX_BYTES).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker whose main loop stops answering for this long is replaced (with
# gthread it is not a per-request limit: nginx's proxy_read_timeout is).
timeout = 60
# A worker being recycled (max_requests) or stopped lets requests in flight
# finish first, as long as nginx waits for them (proxy_read_timeout): a large
# export takes up to 90 s (bench/bench_audit.py). Compose's stop_grace_period
# for the web service is longer still.
graceful_timeout = 120
# Idle keep-alive connections wait in the worker's poller, not in a thread.
keepalive = 5

# Far above what TTXD's URLs and headers need, far below memory trouble.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Recycle workers now and then: image decoding leaves fragmented heaps.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file on tmpfs: a container's overlay /tmp can stall it.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn's own heartbeat files)

# Which requests came over HTTPS is Django's decision alone
# (SECURE_PROXY_SSL_HEADER); gunicorn trusts no forwarded header itself.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""

accesslog = "-"
errorlog = "-"
