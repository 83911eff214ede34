"""Every write to a case, one module per use case; each service is atomic and records its event.

`opening.case_open`, `editing.case_update`, `transition.case_transition` (the
one place a case changes stage) and `deadline_scan.deadlines_scan`; the
registers that number cases and documents are in `numbering`.
"""
