"""
L1 vs L2 vs the proximal L1 step on the digits
===============================================

Three networks with the same architecture, the same initial weights and the
same ``lmbda``, trained on scikit-learn's 8x8 digits with ``penalty='l2'``,
``'l1'`` (the subgradient rule) and ``'l1_prox'`` (the soft-threshold).
We compare their accuracy and sparsity, then look at the first-layer weights:
each hidden unit's 64 incoming weights drawn as an 8x8 image.
"""

# %%
# Training the three networks
# ---------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skl1net import L1MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.25, stratify=y, random_state=0
)

# 200 epochs are enough here even when the loss has not settled to 1e-4.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
models = {}
for penalty in ("l2", "l1", "l1_prox"):
    # SGD without debiasing: debiasing would retrain every weight of 'l1'
    # (none is exactly 0) without the penalty, hiding the comparison.
    clf = L1MLPClassifier(
        penalty=penalty, lmbda=3e-3, max_iter=200, random_state=0, solver="sgd", debias=False
    )
    models[penalty] = clf.fit(X_train, y_train)
    print(
        f"{penalty:8s} test accuracy {clf.score(X_test, y_test):.3f}   "
        f"exact zeros {clf.zero_fraction_:6.1%}   "
        f"pixels used {clf.n_features_selected_}/64"
    )

# %%
# Small is not zero
# -----------------
# The subgradient rule ``'l1'`` pushes the weights the data do not need toward
# zero, but they step over it and keep hovering around it: they are small,
# not zero. The soft-threshold of ``'l1_prox'`` sets them to exactly 0. The
# histogram shows the magnitudes of the first-layer weights (exact zeros are
# counted at the left edge).
fig, ax = plt.subplots(figsize=(7, 3.5))
bins = np.logspace(-12, 0, 61)
for penalty, clf in models.items():
    magnitudes = np.abs(clf.coefs_[0]).ravel()
    ax.hist(np.maximum(magnitudes, 1e-12), bins=bins, histtype="step", lw=2, label=penalty)
ax.set_xscale("log")
ax.set_xlabel("|weight| of the first layer (exact zeros at 1e-12)")
ax.set_ylabel("number of weights")
ax.legend()
fig.tight_layout()

# %%
# The first-layer weights as images
# ---------------------------------
# Column ``k`` is the same hidden unit in every row (same ``random_state``, so
# the same initial weights). Exact zeros are black; the colour scale is
# symmetric around 0. With ``'l1_prox'`` many units have no input left at all
# and the others look at a few pixels of the digit.
n_units = 10
cmap = plt.get_cmap("RdBu_r").with_extremes(bad="black")
fig, axes = plt.subplots(3, n_units, figsize=(n_units, 3.6))
for row, (penalty, clf) in zip(axes, models.items()):
    W = clf.coefs_[0][:, :n_units]
    scale = np.abs(W).max()
    for ax, w in zip(row, W.T):
        ax.imshow(np.ma.masked_equal(w.reshape(8, 8), 0), cmap=cmap, vmin=-scale, vmax=scale)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(penalty)
fig.suptitle("First-layer weights per hidden unit (black: exactly 0)")
fig.tight_layout()

# %%
# Which pixels are used
# ---------------------
# ``support_`` marks the input features with at least one non-zero outgoing
# weight. The sparse network ignores most border pixels, which carry almost
# no information on the digits.
used = ListedColormap(["black", "tab:orange"])
fig, axes = plt.subplots(1, 3, figsize=(7, 2.8))
for ax, (penalty, clf) in zip(axes, models.items()):
    ax.imshow(clf.support_.reshape(8, 8), cmap=used, vmin=0, vmax=1)
    ax.set_title(f"{penalty}: {clf.n_features_selected_} pixels")
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Input pixels used (orange) and ignored (black)")
fig.tight_layout()
plt.show()
