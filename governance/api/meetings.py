"""Placeholder module filled in by its area."""
