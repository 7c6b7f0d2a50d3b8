"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi` (docs/deploy.md).

Read from the environment with the same strict helpers as Django's settings. The access log leaves
out the client address, the user and the query string (personal data); errors go to stderr.
"""

import multiprocessing

from config.env import env_int, env_str

bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# The reverse proxy's address(es) whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = env_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
