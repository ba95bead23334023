# COUNT model files: numpy weight dicts, small scikit-learn estimators, and one in 25 with a
# payload. Deterministic.
import os, pickle, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import RandomForestClassifier
count, d = int(sys.argv[1]), sys.argv[2]
os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(3)
X = rng.normal(size=(400, 8)); y = (X[:, 0] + X[:, 1] > 0).astype(int)
estimators = [LogisticRegression().fit(X, y), RandomForestClassifier(n_estimators=40, max_depth=8, random_state=0).fit(X, y)]
class Payload:
    def __reduce__(self): return (os.system, ("echo pwned",))
for i in range(count):
    if i % 3 == 0:
        obj = {"layer%d" % k: rng.normal(size=(128, 128)).astype(np.float32) for k in range(8)}
    else:
        obj = {"model": estimators[i % 2], "version": i, "features": ["f%d" % k for k in range(8)]}
    if i % 25 == 0: obj["extra"] = Payload()
    with open(os.path.join(d, "model_%03d.pkl" % i), "wb") as f:
        pickle.dump(obj, f, protocol=4)
