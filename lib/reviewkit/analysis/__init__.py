"""Step 2: indicators, benchmarking and initiatives from the tidy tables."""
