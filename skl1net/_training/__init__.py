"""The training loop, the regularization path and the debiasing phase."""
