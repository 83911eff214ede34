"""Helpers that more than one test package uses."""
