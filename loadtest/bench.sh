#!/usr/bin/env bash
# `make bench` (docs/benchmarks.md, issue 15): synthetic data at 19 and at BENCH_PROJECTS (2,000)
# projects, on SQLite and on a throw-away PostgreSQL on 127.0.0.1; `manage.py bench` on each,
# the large run compared with the small one. JSON results in test-artifacts/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LARGE=${BENCH_PROJECTS:-2000}
REPEAT=${BENCH_REPEAT:-5}
OUT=test-artifacts/bench
mkdir -p "$OUT"

eval "$(bash .ci/postgres.sh start | sed 's/^/export /')"
trap 'bash .ci/postgres.sh stop "$PG_DIR"' EXIT
base=${DATABASE_URL%/*}
port=${base##*:}
for size in 19 "$LARGE"; do
    psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE bench_$size OWNER cluster"
done

for engine in sqlite postgres; do
    for size in 19 "$LARGE"; do
        if [ "$engine" = sqlite ]; then
            rm -f "$OUT/bench-$size.sqlite3"
            url="sqlite:///$PWD/$OUT/bench-$size.sqlite3"
        else
            url="$base/bench_$size"
        fi
        echo "== $engine, $size projects"
        DATABASE_URL=$url $PY manage.py migrate -v0
        DATABASE_URL=$url $PY manage.py generate_data --projects "$size" --seed 1 --no-progress \
            | tail -n 1
        compare=()
        [ "$size" = 19 ] || compare=(--compare "$OUT/$engine-19.json")
        DATABASE_URL=$url $PY manage.py bench --repeat "$REPEAT" --statistic best --json "$OUT/$engine-$size.json" \
            "${compare[@]}"
    done
done
