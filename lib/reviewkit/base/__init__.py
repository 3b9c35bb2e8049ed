"""Shared by every layer: errors, paths, months and periods, text files, number words."""
