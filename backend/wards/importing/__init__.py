"""Importing ward boundaries: read a file (gis.vector_files), plan, preview, apply."""
