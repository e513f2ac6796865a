"""
A pipeline on a table with numbers and categories
=================================================

Real tables mix numeric and categorical columns. A
:class:`~sklearn.compose.ColumnTransformer` standardizes the numbers and
one-hot encodes the categories, and :class:`~skl1net.L1MLPClassifier` takes
the result, dense or sparse. With ``'l1_prox'`` the network drops the encoded
columns it does not need, and ``support_`` says which.

The table is built from scikit-learn's breast cancer data: two measurements
are turned into categories (tertiles of the tumour area and of its texture),
as such columns often arrive in practice.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skl1net import L1MLPClassifier

# 100 epochs are enough here even when the loss has not settled to 1e-4.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
data = load_breast_cancer(as_frame=True)
table = data.frame.drop(columns="target")
table["area"] = pd.qcut(table.pop("mean area"), 3, labels=["small", "medium", "large"])
table["texture"] = pd.qcut(table.pop("mean texture"), 3, labels=["smooth", "mixed", "rough"])
y = data.target
categorical = ["area", "texture"]
numeric = [c for c in table.columns if c not in categorical]
print(table[numeric[:2] + categorical].head())

# %%
# The pipeline
# ------------
model = make_pipeline(
    ColumnTransformer([
        ("numbers", StandardScaler(), numeric),
        ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
    ]),
    L1MLPClassifier(hidden_layer_sizes=(32,), penalty="l1_prox", lmbda=1e-2,
                    max_iter=100, random_state=0),
)
scores = cross_val_score(model, table, y, cv=5)
print(f"5-fold accuracy {scores.mean():.3f} +/- {scores.std():.3f}")

# %%
# Which encoded columns the network keeps
# ---------------------------------------
# Fit on a training split and look at the first layer. ``feature_importances_``
# is the L1 norm of each input's outgoing weights (normalised); a column with
# importance 0 is ignored by the network.
X_train, X_test, y_train, y_test = train_test_split(
    table, y, stratify=y, random_state=0
)
model.fit(X_train, y_train)
clf = model[-1]
names = model[0].get_feature_names_out()
print(f"test accuracy {model.score(X_test, y_test):.3f}; "
      f"{clf.n_features_selected_} of {len(names)} encoded columns kept, "
      f"{clf.zero_fraction_:.0%} of the weights exactly 0")
print("dropped:", ", ".join(n.split("__")[1] for n in names[~clf.support_]) or "none")

order = np.argsort(clf.feature_importances_)
labels = [
    name.split("__")[1] + ("" if kept else "  (dropped)")
    for name, kept in zip(names[order], clf.support_[order])
]
fig, ax = plt.subplots(figsize=(7, 7))
ax.barh(np.arange(len(names)), clf.feature_importances_[order])
ax.set_yticks(np.arange(len(names)), labels, fontsize=8)
ax.set_xlabel("feature importance (L1 norm of outgoing weights)")
ax.set_title("Encoded input columns of the network")
fig.tight_layout()
plt.show()
