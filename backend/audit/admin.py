# CaseEvent is registered in backend/cases/admin.py, where it can be scoped
# to the cases a user may see (audit imports no other app).
