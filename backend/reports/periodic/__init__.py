"""Periodic construction-order reports from the live data (issue 16 §1)."""
