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


class ServiceMethod:
    """How a document is served (LXLVPHC Art. 70 as amended by Law 88/2025)."""

    IN_PERSON = "in_person"
    POST = "post"
    POSTED = "posted"


SERVICE_METHOD_CHOICES = (
    (ServiceMethod.IN_PERSON, gettext_lazy("Handed over in person")),
    (ServiceMethod.POST, gettext_lazy("Sent by registered post")),
    (ServiceMethod.POSTED, gettext_lazy("Posted publicly (violator absent or refused)")),
)


class FineRelief:
    """What a violator may ask about paying a fine (LXLVPHC Art. 76–77 ⚠️)."""

    POSTPONEMENT = "postponement"
    INSTALMENTS = "instalments"


FINE_RELIEF_CHOICES = (
    (FineRelief.POSTPONEMENT, gettext_lazy("Postponement of paying the fine")),
    (FineRelief.INSTALMENTS, gettext_lazy("Paying the fine in instalments")),
)

RELIEF_DECISION_CHOICES = (
    ("granted", gettext_lazy("Granted")),
    ("refused", gettext_lazy("Refused")),
)

FAILURE_REASON_CHOICES = (
    ("window_expired", gettext_lazy("No permit within the period")),
    ("permit_refused", gettext_lazy("The permit was refused")),
    ("withdrawn", gettext_lazy("The violator gave up legalising")),
)
