"""Shared by every layer: errors, paths, months and periods, text files, number words, the
steps of a review cycle and their notebooks, the platform seam."""
