"""Which register row each imported case came from: what makes a re-import create nothing.

A case from a ward's paper register is known by its natural key in that
ward: the register's own case code when the register has that column, else
the violation record's number and year (numbers are unique per ward, type and
year). The row's values are kept to tell an unchanged row from a changed one:
a changed row is reported, never written over the case's history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseImportKey(models.Model):
    ward_code = models.CharField(_("ward code"), max_length=20)
    key = models.CharField(_("key in the register"), max_length=120)
    case = models.OneToOneField(
        "cases.ViolationCase",
        on_delete=models.PROTECT,
        related_name="import_key",
        verbose_name=_("case"),
    )
    values = models.JSONField(_("values imported"), default=dict)
    source_file = models.CharField(_("source file"), max_length=255)
    sha256 = models.CharField(_("file SHA-256"), max_length=64)
    source_row = models.PositiveIntegerField(_("source row"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported case")
        verbose_name_plural = _("imported cases")
        constraints = [
            models.UniqueConstraint(fields=["ward_code", "key"], name="unique_import_key_per_ward")
        ]

    def __str__(self) -> str:
        return f"{self.ward_code} {self.key}"
