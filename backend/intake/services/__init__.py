"""Every write of citizens' reports: filing one (submission), the ward's triage (triage)."""
