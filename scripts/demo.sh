#!/usr/bin/env bash
# make demo: the example fraud model through the whole gate, in a temporary git repository:
#   1. its CI workflow (mlgate run);
#   2. the model gate: checks recorded as evidence, registered, promoted to staging, deployed;
#   3. production held for an approval, approved with an SSH key, promoted, deployed, watched;
#   4. a retrained version promoted the same way, whose production analysis fails: rolled
#      back automatically;
#   5. a challenger whose higher ROC-AUC is within noise: blocked by a non-inferiority rule;
#   6. a data batch whose amounts have drifted: blocked by the drift check.
set -euo pipefail
mlgate="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(mktemp -d "${TMPDIR:-/tmp}/mlgate-demo.XXXXXX")"
trap 'rm -rf "$repo"' EXIT
out="${MLGATE_DEMO_OUT:-$here/.build/demo}"   # the reports and the site stay here for review
rm -rf "$out" && mkdir -p "$out"
export PATH="$(dirname "$mlgate"):$PATH"   # the workflows call mlgate
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cp -R "$here/fixtures/example/." "$repo/"
mkdir -p "$repo/.github/workflows"
cp "$here/workflows/"*.yml "$repo/.github/workflows/"
cd "$repo"
git init -q -b main
git config user.name "Data Scientist"
git config user.email "ds@example.com"
# The release manager's key (another person than the commit's author).
ssh-keygen -q -t ed25519 -N '' -C release-manager -f "$repo/.release-manager-key"
echo ".release-manager-key*" >> .gitignore
mlgate keys --key .release-manager-key --principal rm@example.com >> .mlgate/allowed_signers
git add -A
git commit -q -m "Example fraud model"

say "mlgate run --list"
mlgate run --list
say "mlgate policy check"
mlgate policy check

say "mlgate run .github/workflows/model-ci.yml  (tests, data validation per split, evaluation, metrics gate)"
mlgate run .github/workflows/model-ci.yml

say "mlgate run .github/workflows/model-gate.yml  (mlgate check run: the declared checks recorded as evidence; register, promote to staging, deploy)"
mlgate run .github/workflows/model-gate.yml
mlgate evidence HEAD

say "mlgate gate fraud --to production  (held: production needs a release manager's approval)"
set +e; mlgate gate fraud --to production; status=$?; set -e
echo "exit status $status (3 = hold)"

say "mlgate approve fraud --stage production  (the release manager signs with an SSH key)"
mlgate approve fraud --version v0.0.1 --stage production --key .release-manager-key --principal rm@example.com --comment "holdout looks good"

say "mlgate run promote-production.yml  (promote, deploy, then the production analysis watches it)"
mlgate run .github/workflows/promote-production.yml --event workflow_dispatch --input version=v0.0.1
mlgate status

say "A retrained model: v0.0.2 through the gate to staging, approved, to production"
sed -i 's/"threshold": 0.35/"threshold": 0.34/' model/model.json
git commit -q -am "Retrain: lower the decision threshold"
mlgate run .github/workflows/model-gate.yml > /dev/null
mlgate approve fraud --version v0.0.2 --stage production --key .release-manager-key --principal rm@example.com --comment "ship it"
echo '{"error_rate": 0.12}' > monitoring/production.json   # what production will report for v0.0.2
set +e
mlgate run .github/workflows/promote-production.yml --event workflow_dispatch --input version=v0.0.2
status=$?
set -e
echo "exit status $status (1: the analysis failed and rolled production back)"

say "mlgate status, mlgate history fraud"
mlgate status
mlgate history fraud

say "A challenger with a higher holdout ROC-AUC: on 60 rows the gain is within noise, so non_inferior(roc_auc, 0.01) blocks it"
cp predictions/challenger.csv predictions/holdout.csv
git commit -q -am "Challenger: retrained with new features"
set +e
mlgate check run --stage staging --record
status=$?
echo "exit status $status (1: the paired bootstrap's interval reaches past the margin, though the point estimate is higher)"
mlgate register fraud HEAD --bump patch > /dev/null
mlgate gate fraud --to staging
status=$?
set -e
echo "exit status $status (1: rejected, with the failing measurement as the reason)"

say "A new holdout batch whose amounts have moved: check drift finds it and the gate stops the promotion"
git checkout -q HEAD~1 -- predictions/holdout.csv   # the champion's predictions again
awk -F, 'BEGIN { OFS = "," } NR > 1 { $2 = sprintf("%.2f", $2 * 3 + 40) } { print }' data/holdout.csv > data/holdout.next && mv data/holdout.next data/holdout.csv
git commit -q -am "New holdout batch"
set +e
mlgate check run --stage staging --record
status=$?
echo "exit status $status (0: a warning: the amount column drifted, one column of three, below the dataset-drift share)"
mlgate register fraud HEAD --bump patch > /dev/null
mlgate gate fraud --to staging
status=$?
set -e
echo "exit status $status (1: rejected: staging requires input-drift to pass, and it warned)"

say "The release manager's view: the promotion report and the registry site"
mlgate report fraud --version v0.0.2 --to production --html "$out/report-production.html" --markdown "$out/report-production.md"
mlgate report fraud --to staging --html "$out/report.html" --markdown "$out/report.md"
mlgate report fraud --version v0.0.3 --to staging --html "$out/report-challenger.html" --markdown "$out/report-challenger.md"
mlgate site "$out/site"
mlgate evidence HEAD --json > "$out/evidence-latest.json"      # what the reports' numbers come from
mlgate evidence HEAD~1 --json > "$out/evidence-challenger.json"
echo "report (the latest version, evaluated now: blocked by drift): $out/report.html  (Markdown: $out/report.md)"
echo "report (the challenger v0.0.3 against its champion): $out/report-challenger.html"
echo "report (v0.0.2's recorded promotion to production, rolled back later): $out/report-production.html"
echo "site: $out/site/index.html"
