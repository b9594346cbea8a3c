#!/bin/sh
# Re-take docs/datasette.png: the sample dump in Datasette, full-text search and facets.
# Needs `pip install -e '.[web]'` and Debian's chromium (`apt-get install -y chromium`).
# Serves on 127.0.0.1 only, and every step is bounded in time.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
cableparse convert "$root/fixtures/sample-dump.csv" -o sample.db --datasette -q -j 1
timeout 120 datasette serve sample.db -m metadata.json -h 127.0.0.1 -p 8765 >datasette.log 2>&1 &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    curl -fs -o /dev/null http://127.0.0.1:8765/ && break
    sleep 1
done
timeout 90 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,960 \
    --screenshot="$root/docs/datasette.png" \
    "http://127.0.0.1:8765/sample/cables?_search=terrorism&_col=reference_id&_col=created&_col=origin&_col=classification&_col=subject&_col=tag_codes"
