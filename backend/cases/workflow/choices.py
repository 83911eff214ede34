"""The fixed choices the workflow's fields offer, and the remedies a decision orders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


class Remedy:
    LEGALISE = "legalise"
    DEMOLISH = "demolish"


REMEDY_CHOICES = (
    (Remedy.LEGALISE, gettext_lazy("Suspend building and obtain a permit (legalise)")),
    (Remedy.DEMOLISH, gettext_lazy("Demolish the violating works")),
)

# The remedy-only decision (MQĐ15) on a case still under way orders demolition
# (LAW.md §5: REMEDY_ONLY → B_REMEDY); legalisation follows a sanction decision.
REMEDY_ONLY_CHOICES = ((Remedy.DEMOLISH, gettext_lazy("Demolish the violating works")),)

NO_FINE_REASON_CHOICES = (
    ("period_over", gettext_lazy("The period to issue the sanction decision has passed")),
    ("limitation", gettext_lazy("The limitation period for sanctioning has run")),
)

SIGNER_TITLE_CHOICES = (
    ("chairman", gettext_lazy("Chairman")),
    ("deputy", gettext_lazy("Vice-chairman, signing for the chairman (KT.)")),
)

SERVICE_METHOD_CHOICES = (
    ("in_person", gettext_lazy("Handed over in person")),
    ("post", gettext_lazy("Sent by registered post")),
    ("posted", gettext_lazy("Posted publicly (violator absent or refused)")),
)

FAILURE_REASON_CHOICES = (
    ("window_expired", gettext_lazy("No permit within the period")),
    ("permit_refused", gettext_lazy("The permit was refused")),
    ("withdrawn", gettext_lazy("The violator gave up legalising")),
)
