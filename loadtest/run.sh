#!/usr/bin/env bash
# `make loadtest`: gunicorn (production settings over plain HTTP) with several workers and a
# throw-away PostgreSQL, both on 127.0.0.1 only; locust headless, LOADTEST_USERS users for
# LOADTEST_DURATION; then the lost-write check. Exits non-zero on any error or lost write.
# Everything started here is stopped on exit; the run is bounded by `timeout`.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${LOADTEST_USERS:-50}
DURATION=${LOADTEST_DURATION:-60s}
WORKERS=${LOADTEST_WORKERS:-4}
OUT=test-artifacts/loadtest
PY=.venv/bin/python
mkdir -p "$OUT"

eval "$(bash .ci/postgres.sh start)"
gunicorn_pid=""
cleanup() {
    if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
    bash .ci/postgres.sh stop "$PG_DIR"
}
trap cleanup EXIT

export DATABASE_URL DJANGO_SETTINGS_MODULE=config.settings.loadtest ALLOWED_HOSTS=127.0.0.1
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY LOADTEST_SETUP="$OUT/setup.json" LOADTEST_RESULTS="$OUT/results.json"

echo "== data: reference, demo, $USERS load-test accounts"
$PY manage.py migrate --noinput -v0
$PY manage.py load_reference -v0
$PY manage.py load_demo >/dev/null
$PY manage.py collectstatic --noinput -v0
$PY loadtest/prepare.py "$USERS" "$LOADTEST_SETUP"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== gunicorn: $WORKERS workers on 127.0.0.1:$port"
GUNICORN_BIND=127.0.0.1:$port GUNICORN_WORKERS=$WORKERS \
    .venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi >"$OUT/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break
    sleep 0.5
done

echo "== locust: $USERS users, $DURATION"
timeout 300 .venv/bin/locust -f loadtest/locustfile.py --headless --only-summary \
    --users "$USERS" --spawn-rate 10 --run-time "$DURATION" --stop-timeout 10 \
    --host "http://127.0.0.1:$port" 2>&1 | tee "$OUT/locust.log" | grep -v "^\[" || true
kill "$gunicorn_pid"; wait "$gunicorn_pid" 2>/dev/null || true; gunicorn_pid=""

echo "== check"
$PY loadtest/check.py "$LOADTEST_RESULTS"
