"""More facts about the violator that the forms ask for (Decree 118/2021 Art. 12(4), MBB01).

An abstract base of ViolationCase: the fields are columns of the case,
entered once and reused by every document (MBB01, MQĐ02, MQĐ11).
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ViolatorFacts(models.Model):
    violator_sex = models.CharField(
        _("violator's sex"), max_length=10, choices=Sex.choices, blank=True
    )
    violator_nationality = models.CharField(
        _("violator's nationality"), max_length=100, default="Việt Nam", blank=True
    )
    violator_occupation = models.CharField(_("violator's occupation"), max_length=200, blank=True)
    violator_id_issued_on = models.DateField(_("ID card issued on"), null=True, blank=True)
    violator_id_issued_by = models.CharField(_("ID card issued by"), max_length=200, blank=True)
    # An organisation: its business or establishment registration (number, date, issuer).
    violator_org_registration = models.CharField(
        _("registration certificate (number, date, issuer)"), max_length=300, blank=True
    )
    violator_representative_title = models.CharField(
        _("legal representative's title"), max_length=200, blank=True
    )

    class Meta:
        abstract = True
