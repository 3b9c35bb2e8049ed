"""Synthetic demo data for the example partnerships."""
