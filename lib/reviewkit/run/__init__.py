"""The command line and the runner: locks, batches, preflight checks, scaffolding."""
