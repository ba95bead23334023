#!/usr/bin/env bash
# make demo: copy the example ML project into a temporary git repository and run its CI
# workflow with mlgate, end to end.
set -euo pipefail
mlgate="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(mktemp -d "${TMPDIR:-/tmp}/mlgate-demo.XXXXXX")"
trap 'rm -rf "$repo"' EXIT

cp -R "$here/fixtures/example/." "$repo/"
mkdir -p "$repo/.github/workflows"
cp "$here/workflows/model-ci.yml" "$repo/.github/workflows/"
cd "$repo"
git init -q -b main
git -c user.name="mlgate demo" -c user.email=demo@example.com add -A
git -c user.name="mlgate demo" -c user.email=demo@example.com commit -q -m "Example fraud model"
git config user.name "mlgate demo"

echo "== mlgate run --list"
"$mlgate" run --list
echo
echo "== mlgate run (push)"
"$mlgate" run
echo
echo "== mlgate run --event workflow_dispatch --input min-accuracy=0.9 (the gate should hold the model back)"
set +e
"$mlgate" run --event workflow_dispatch --input min-accuracy=0.9 -j gate
status=$?
set -e
echo "exit status: $status (1 = a job failed: the gate refused)"
