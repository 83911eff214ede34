"""The case workflow: the declarative transition table and its parts.

`table` holds the actions (suspension → halt → enforcement); the other
modules hold what its rows are made of: the fields an action asks for, the
guards, the deadlines it starts, who may take it, and how its input is
cleaned. `backend.cases.services.transition.case_transition` applies it.
"""
