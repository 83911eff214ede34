"""Importing a ward's permit register (XLSX/CSV) into permits, all or nothing.

1. `runs.import_run_create` stores the file and opens a PermitImportRun;
2. `check.import_check` streams the sheet, parses and checks every row and
   stages it (PermitImportRow) with what it would do, writing progress to the
   run as it goes (no transaction is open, so every process sees it);
3. `apply.import_apply` writes every staged row in one transaction, or none.
"""
