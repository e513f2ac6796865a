"""Optimizers: each owns its state and its fused fast paths."""
