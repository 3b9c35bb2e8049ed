"""Statistical methods: pure functions of numbers, each with its published reference."""
