"""What the ward's documents need besides the case: its kind, its treasury account,
and the replacement form templates an admin uploads when a decree changes a form.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

# The forms that have a Word template (backend.cases.models.DocumentType's
# values and labels; not imported from there, which imports this module).
# The periodic report letter: its built-in template lives with backend.reports.periodic.
PERIODIC_REPORT_FORM = "PERIODIC_REPORT"
TEMPLATE_FORMS = (
    ("MBB01", _("Violation record (MBB01)")),
    ("MQD02", _("Sanction decision (MQĐ02)")),
    ("REMEDY", _("Decision on remedial measures (MQĐ15)")),
    ("DEMOLISH_NOTICE", _("Notice to self-demolish")),
    ("SITE_CHECK", _("Site check record")),
    ("MQD11", _("Enforcement decision (MQĐ11)")),
    ("MBB11", _("Enforcement record (MBB11)")),
    ("TRANSFER_HANDOVER", _("Record of handing over the case file")),
    # Not a step's document: the ward's or city's periodic report (backend.reports.periodic).
    (PERIODIC_REPORT_FORM, _("Periodic construction-order report")),
)


class UnitKind(models.TextChoices):
    """The kind of commune-level unit, as its name is written (Decree 30/2020 App. I)."""

    WARD = "ward", _("Ward (phường)")
    COMMUNE = "commune", _("Commune (xã)")
    SPECIAL_ZONE = "special_zone", _("Special zone (đặc khu)")


class WardDocumentSettings(models.Model):
    """One ward's settings for its official documents."""

    ward = models.OneToOneField(
        "wards.Ward",
        on_delete=models.CASCADE,
        related_name="document_settings",
        verbose_name=_("ward"),
    )
    unit_kind = models.CharField(
        _("kind of unit"),
        max_length=20,
        choices=UnitKind.choices,
        blank=True,
        help_text=_(
            "Printed before the name: “ỦY BAN NHÂN DÂN PHƯỜNG …”. Empty: read from the "
            "ward's name when it begins with Phường, Xã or Đặc khu."
        ),
    )
    treasury_account = models.CharField(
        _("treasury account number for fines"), max_length=60, blank=True
    )
    treasury_name = models.CharField(
        _("State Treasury that collects the fines"),
        max_length=200,
        blank=True,
        help_text=_("For example: Kho bạc Nhà nước khu vực II."),
    )

    class Meta:
        verbose_name = _("ward's document settings")
        verbose_name_plural = _("wards' document settings")

    def __str__(self) -> str:
        return str(self.ward)


class DocumentTemplate(models.Model):
    """A replacement Word template for one form, in force from a date.

    A document uses the latest version in force on its own date, else the
    template built into the code. Versions are added, not edited: a document
    made before a change is made again from the template of its day.
    """

    document_type = models.CharField(_("document"), max_length=20, choices=TEMPLATE_FORMS)
    effective_from = models.DateField(_("in force from"))
    file = models.FileField(_("Word template (.docx)"), upload_to="document-templates/%Y/")
    basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("The decree or decision that changed the form."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        ordering = ["document_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "effective_from"], name="unique_template_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.effective_from:%d/%m/%Y}"
