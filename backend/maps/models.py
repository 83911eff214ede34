"""What the map endpoints need beyond the other apps' tables."""

from __future__ import annotations

from django.db import models


class LayerVersion(models.Model):
    """The transaction that last changed one map layer's source table.

    Written only by database triggers (see migration 0001), so every write —
    a service, the admin, a bulk import, raw SQL — moves the version and the
    tile ETags with it. The value comes from a sequence: never reused, so a
    version seen once never comes back after another change.
    """

    layer = models.CharField(max_length=20, primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.layer}@{self.version}"
