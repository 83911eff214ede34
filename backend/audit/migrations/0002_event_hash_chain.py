"""Give every case event its place in one hash chain (seq, prev_hash, hash).

Events recorded before this migration are chained in their recording order.
The canonical form is frozen here as of chain version 1 (migrations never
import application code); backend.audit.chain documents the same rules.
"""

import datetime
import hashlib
import json

from django.db import migrations, models

GENESIS_HASH = "0" * 64


def _numbers(value):
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return [_numbers(v) for v in value]


def chain_existing_events(apps, schema_editor):
    CaseEvent = apps.get_model("audit", "CaseEvent")
    prev_hash = GENESIS_HASH
    for seq, event in enumerate(CaseEvent.objects.order_by("at", "id").iterator(), start=1):
        content = {
            "v": 1,
            "seq": seq,
            "case": event.case_id,
            "actor": event.actor_id,
            "kind": event.kind,
            "at": event.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "stage_before": event.stage_before,
            "stage_after": event.stage_after,
            "payload": _numbers(event.payload),
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
        CaseEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev_hash, hash=digest)
        prev_hash = digest


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_case_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="chain position"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="prev_hash",
            field=models.CharField(max_length=64, null=True, verbose_name="previous hash"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="hash",
            field=models.CharField(max_length=64, null=True, verbose_name="hash"),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
    ]
