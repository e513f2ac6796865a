"""
Learning from a stream with ``partial_fit``
===========================================

When the data arrive in chunks (or do not fit in memory), ``partial_fit``
updates the network with one pass over each chunk. Here the digits arrive in
chunks of 100 images, the stream is replayed eight times, and after each chunk
we record the test accuracy and the sparsity: a learning curve against the
number of samples seen (``t_``). ``lmbda`` is per-sample, so it means the same
as in a ``fit`` on all the data. Each chunk is only two mini-batches of 50, so
the learning rate is raised to 0.05 for the weights to move in a few passes.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skl1net import L1MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.25, stratify=y, random_state=0
)
classes = np.unique(y)  # the first call must name every class of the stream

clf = L1MLPClassifier(
    penalty="l1_prox", lmbda=3e-3, solver="sgd", eta=0.05, batch_size=50, random_state=0
)
rng = np.random.default_rng(0)
seen, accuracy, zeros = [], [], []
for replay in range(8):
    order = rng.permutation(len(X_train))
    for chunk in np.array_split(order, len(order) // 100):
        clf.partial_fit(X_train[chunk], y_train[chunk], classes=classes)
        seen.append(clf.t_)
        accuracy.append(clf.score(X_test, y_test))
        zeros.append(clf.zero_fraction_)

print(f"after {clf.t_} samples: test accuracy {accuracy[-1]:.3f}, "
      f"{zeros[-1]:.0%} of the weights exactly 0")

# %%
# Accuracy rises over the first passes while the soft-threshold removes the
# weights the data do not support; the gray lines mark the end of each pass.
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(seen, accuracy, color="C0")
ax.set_xlabel("samples seen (t_)")
ax.set_ylabel("test accuracy", color="C0")
ax.set_ylim(0, 1)
sparsity = ax.twinx()
sparsity.plot(seen, zeros, color="C1", ls="--")
sparsity.set_ylabel("fraction of weights exactly 0", color="C1")
sparsity.set_ylim(0, 1)
for replay in range(1, 8):
    ax.axvline(replay * len(X_train), color="gray", lw=0.5)
ax.set_title("partial_fit on chunks of 100 digits, 8 passes")
fig.tight_layout()
plt.show()
