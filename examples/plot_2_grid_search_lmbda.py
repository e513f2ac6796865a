"""
Choosing ``lmbda`` by cross-validation
======================================

``lmbda`` is an ordinary hyperparameter, so :class:`~sklearn.model_selection.GridSearchCV`
chooses it. Because ``lmbda`` is on the per-sample scale, the value chosen on
the cross-validation folds means the same when the model is refitted on all
the training data. A second scorer records the fraction of exact-zero weights
of each fitted model, so we see what each value costs and buys, and a
``refit`` rule picks the sparsest model whose accuracy is within one standard
deviation of the best: accuracy that the folds cannot tell apart, with fewer
weights.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from skl1net import L1MLPClassifier
from skl1net.exceptions import ConstantOutputWarning

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.25, stratify=y, random_state=0
)


def zero_fraction(estimator, X, y):
    """A 'score' that reports the sparsity of the fitted model."""
    return estimator.zero_fraction_


def sparsest_within_one_std(cv_results):
    """Index of the largest lmbda whose accuracy is within one std of the best."""
    mean, std = cv_results["mean_test_accuracy"], cv_results["std_test_accuracy"]
    best = np.argmax(mean)
    close = np.flatnonzero(mean >= mean[best] - std[best])
    lmbda = np.asarray(cv_results["param_lmbda"], dtype=float)
    return close[np.argmax(lmbda[close])]


# 100 epochs per fit keep the example fast; some fits stop before converging.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The grid reaches past lmbda_max on purpose, to show where the penalty empties
# the network: the fits there warn that their output is constant, which is
# the point here, so that warning is silenced too.
warnings.filterwarnings("ignore", category=ConstantOutputWarning)
lmbdas = np.logspace(-5, -1, 9)
search = GridSearchCV(
    L1MLPClassifier(hidden_layer_sizes=(64,), max_iter=100, random_state=0),
    {"lmbda": lmbdas},
    scoring={"accuracy": "accuracy", "zeros": zero_fraction},
    refit=sparsest_within_one_std,
    cv=3,
    n_jobs=2,
)
search.fit(X_train, y_train)
results = search.cv_results_
best = search.best_estimator_
print(f"most accurate lmbda {lmbdas[np.argmax(results['mean_test_accuracy'])]:.2g}, "
      f"validation accuracy {results['mean_test_accuracy'].max():.3f}")
print(f"chosen lmbda {search.best_params_['lmbda']:.2g}: validation accuracy "
      f"{results['mean_test_accuracy'][search.best_index_]:.3f}, test accuracy "
      f"{best.score(X_test, y_test):.3f}, {best.zero_fraction_:.0%} of the weights "
      "exactly 0")

# %%
# Validation accuracy (mean and standard deviation over the folds) and
# sparsity against ``lmbda``. Accuracy stays flat while most weights are
# removed, then drops once the penalty removes weights the data need; past
# that, the network loses every weight and predicts a single class.
fig, ax = plt.subplots(figsize=(7, 4))
mean, std = results["mean_test_accuracy"], results["std_test_accuracy"]
ax.semilogx(lmbdas, mean, "o-", color="C0", label="validation accuracy")
ax.fill_between(lmbdas, mean - std, mean + std, color="C0", alpha=0.2)
ax.axvline(search.best_params_["lmbda"], color="gray", ls=":", label="chosen lmbda")
ax.set_xlabel("lmbda")
ax.set_ylabel("validation accuracy", color="C0")
zeros = ax.twinx()
zeros.semilogx(lmbdas, results["mean_test_zeros"], "s--", color="C1")
zeros.set_ylabel("fraction of weights exactly 0", color="C1")
zeros.set_ylim(0, 1)
ax.legend(loc="lower left")
fig.tight_layout()
plt.show()
