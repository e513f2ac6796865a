"""scikit-learn's common estimator checks, for every penalty, with no expected failures."""

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1MLPClassifier, L1MLPClassifierCV


@parametrize_with_checks(
    [L1MLPClassifier(penalty=p) for p in ("l1_prox", "l1", "l2")],
    expected_failed_checks=lambda est: {},
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(
    [
        L1MLPClassifierCV(
            L1MLPClassifier(hidden_layer_sizes=(20,), max_iter=50, random_state=0),
            lmbdas=3,
            cv=3,
        ),
        L1MLPClassifier(penalty="group_l1_prox"),
        L1MLPClassifier(debias=True),
        L1MLPClassifier(reweight=1, debias=True),
    ]
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)
