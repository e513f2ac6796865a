"""The network: forward and backward passes, losses, activations, compaction."""
