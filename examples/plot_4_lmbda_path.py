"""
Accuracy against sparsity along a path of ``lmbda``
===================================================

How much accuracy does each removed weight cost? We fit the same network
(same initial weights, through ``random_state``) for a grid of ``lmbda``
values, from weak to strong, and plot test accuracy against the fraction of
exact-zero weights and the number of input pixels kept. ``skl1net path`` on
the command line draws the same figure for any CSV file.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skl1net import L1MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.25, stratify=y, random_state=0
)

# 150 epochs per fit keep the example fast; some fits stop before converging.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
lmbdas = np.logspace(-4, -1.5, 11)
base = L1MLPClassifier(penalty="l1_prox", max_iter=150, random_state=0)
path = []
for lmbda in lmbdas:
    clf = clone(base).set_params(lmbda=lmbda).fit(X_train, y_train)
    path.append((clf.score(X_test, y_test), clf.zero_fraction_, clf.n_features_selected_))
accuracy, zeros, pixels = map(np.array, zip(*path))
for row in zip(lmbdas, accuracy, zeros, pixels):
    print("lmbda {:.1e}  accuracy {:.3f}  zeros {:6.1%}  pixels {:2d}".format(*row))

# %%
# Most weights go before accuracy moves: the knee of the curve is the
# sparsest network worth keeping. Pixels go last: an input is dropped only
# when every one of its 100 outgoing weights is zero.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4))
points = ax1.scatter(zeros, accuracy, c=np.log10(lmbdas), cmap="viridis")
ax1.plot(zeros, accuracy, color="gray", lw=0.5)
ax1.set_xlabel("fraction of weights exactly 0")
ax1.set_ylabel("test accuracy")
fig.colorbar(points, ax=ax1, label="log10(lmbda)")
ax2.semilogx(lmbdas, pixels, "o-")
ax2.set_xlabel("lmbda")
ax2.set_ylabel("input pixels kept (of 64)")
fig.tight_layout()
plt.show()
