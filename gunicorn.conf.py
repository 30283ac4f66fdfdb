"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py`).

Every value can be overridden from the environment, so one file serves a laptop and a server.
"""

import os

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
wsgi_app = "intranet.wsgi:application"
# Two workers by default: enough for a small company on one core each; raise with the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let a worker wait on the database or the disk for one request while serving another.
# Without a proxy that sends files (SENDFILE_BACKEND=simple) uploads pass through them too.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak in any library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The app is loaded per worker, not in the master: every worker opens its own database and
# index handles, which must not be shared across fork().
preload_app = False
# An empty GUNICORN_ACCESS_LOG turns the access log off (the benchmark does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
# Behind a reverse proxy on the same host; set FORWARDED_ALLOW_IPS to the proxy's address
# if it runs elsewhere (and SECURE_PROXY=true so Django trusts X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
