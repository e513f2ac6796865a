"""
==========================================
The regularization path of an L1 network
==========================================

:func:`skl1net.lmbda_path` fits a sequence of penalty strengths ``lmbda``,
each fit warm-started from the previous one, and reports for each the
validation accuracy, the fraction of exactly-zero weights, the input
features still in use and the dead hidden units. With ``lmbdas=None`` the
grid starts at the smallest ``lmbda`` that zeroes the whole network
(computed from the loss gradient at a zero first layer, as glmnet does for
linear models) and goes down by a factor of 100.

Here on scikit-learn's 8x8 digits, with a 64-64-10 network: accuracy holds up
while most weights, and many pixels, drop out. At the top of the grid a cold
fit would collapse to a constant network; the path, pruning the network of
the previous ``lmbda``, keeps a few hidden units alive there.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skl1net import L1MLPClassifier, lmbda_path

X, y = load_digits(return_X_y=True)
X = X / 16.0
# 30 epochs for the first (smallest) lmbda, then warm_max_iter="auto" = 10 for
# each warm-started one: short on purpose.
warnings.simplefilter("ignore", ConvergenceWarning)
clf = L1MLPClassifier(hidden_layer_sizes=(64,), max_iter=30, random_state=0)
path = lmbda_path(X, y, estimator=clf, n_lmbdas=10, random_state=0, return_models=True)

for entry in path:
    print(
        f"lmbda={entry.lmbda:.2e}  accuracy={entry.score:.3f}  "
        f"zeros={entry.zero_fraction:.3f}  pixels={entry.n_features_selected:2d}/64  "
        f"dead units={entry.n_dead_units[0]:2d}/64"
    )

# %%
# Accuracy and sparsity along the path
# ------------------------------------
lmbdas = [e.lmbda for e in path]
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogx(lmbdas, [e.score for e in path], "o-", label="validation accuracy")
ax.semilogx(lmbdas, [e.zero_fraction for e in path], "s-", label="fraction of zero weights")
ax.semilogx(lmbdas, [e.n_features_selected / 64 for e in path], "^-", label="pixels kept / 64")
ax.set_xlabel("lmbda")
ax.invert_xaxis()
ax.legend()
ax.set_title("lmbda_path on digits (64-64-10)")
fig.tight_layout()

# %%
# Which pixels survive
# --------------------
# ``support`` marks the input features with a non-zero outgoing weight:
# black pixels are kept, white ones are out of the model. The fixed colour
# range (``vmin``, ``vmax``) draws a model that keeps every pixel all black.
picks = [len(path) // 2, len(path) // 2 + 2, len(path) - 1]
fig, axes = plt.subplots(1, len(picks), figsize=(8, 3))
for ax, i in zip(axes, picks):
    ax.imshow(path[i].support.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"lmbda={path[i].lmbda:.1e}\n{path[i].n_features_selected} pixels")
    ax.axis("off")
fig.tight_layout()

# %%
# A compact model from the path
# -----------------------------
# :meth:`~skl1net.L1MLPClassifier.compact` drops the dead hidden units; the
# predictions do not change.
model = path[len(path) // 2].model
small = model.compact()
print(model.hidden_layer_sizes, "->", small.hidden_layer_sizes)
print("same predictions:", bool(np.array_equal(small.predict(X), model.predict(X))))
plt.show()
