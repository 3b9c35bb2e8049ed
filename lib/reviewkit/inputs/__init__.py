"""What the analyst writes: params, strategy, the register of data requests."""
