"""Importing a ward's open-case backlog (its paper register typed into XLSX/CSV).

`rows` reads each row into typed values (the shared tabular layer of
backend.core.tabular reads the sheet); `replay` takes each case through the
steps its paper history implies, with their dates and numbers, through the
same services and rules as a live case; `run` writes the whole file in one
transaction (or its valid rows only), and nothing on a dry run.
"""
