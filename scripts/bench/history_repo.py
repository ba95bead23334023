# A fast-import stream: COMMITS commits, each adding or rewriting a file of about SIZE bytes of
# code-like text; one commit in 50 adds a token-like secret. Deterministic.
import random, sys
commits, size = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(7)
words = "import numpy pandas model train score predict features label config value result data batch epoch loss optimizer learning_rate return def class self".split()
out = sys.stdout.buffer
pool = ["    " + " ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) + f" = {rng.random():.6f}" for _ in range(5000)]
def text(n, i):
    lines, total = [], 0
    while total < n:
        line = rng.choice(pool) + f"  # {i}.{total}\n"
        lines.append(line); total += len(line)
    if i % 50 == 0:
        token = "gh" + "p_" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(36))
        lines.insert(len(lines) // 2, f'GITHUB_TOKEN = "{token}"\n')
    return "".join(lines).encode()
mark = 0
for i in range(commits):
    body = text(size, i)
    out.write(b"blob\nmark :%d\ndata %d\n" % (i + 1, len(body)) + body + b"\n")
for i in range(commits):
    out.write(b"commit refs/heads/main\nmark :%d\ncommitter bench <b@example.com> %d +0000\ndata 8\ncommit %d\n" % (100001 + i, 1700000000 + i, i % 10))
    if i > 0: out.write(b"from :%d\n" % (100000 + i))
    out.write(b"M 100644 :%d src/module_%d.py\n\n" % (i + 1, i % 400))
