"""What a cycle holds and how its tables and files are written and read."""
