"""The scikit-learn estimators: validation, fit/partial_fit, predict, tags."""
