"""scikit-learn's common estimator checks, for every penalty, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1MLPClassifier


@parametrize_with_checks(
    [L1MLPClassifier(penalty=p) for p in ("l1_prox", "l1", "l2")],
    expected_failed_checks=lambda est: {},
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
