"""The reports app's rows: the periodic reports and their rules (backend.reports.periodic)."""

from backend.reports.periodic.models import PeriodicReport as PeriodicReport
from backend.reports.periodic.models import PeriodicReportEvent as PeriodicReportEvent
from backend.reports.periodic.models import ReportingRule as ReportingRule
from backend.reports.periodic.models import ReportKind as ReportKind
from backend.reports.periodic.models import ReportStatus as ReportStatus
