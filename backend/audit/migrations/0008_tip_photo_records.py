"""Photos of citizens' reports (photos_sitephoto.tip_id, backend.intake) in the record hashes.

Every earlier photo keeps its hash: a photo without a report hashes as before
(form 1, or form 2 for a visit's). A report's own photo hashes as form 3: the
same plus `tip_id`. Such a photo is no case's history (no case event records
it); a case opened from the report gets photo rows of its own, recorded by events.
"""

from django.db import migrations

PHOTO_CONTENT = r"""
CREATE OR REPLACE FUNCTION audit_sitephoto_content(r public.photos_sitephoto) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object(
        'form', 1, 'table', 'photos_sitephoto',
        'id', r.id, 'case_id', r.case_id, 'original', r.original,
        'original_filename', r.original_filename, 'sha256', r.sha256,
        'content_type', r.content_type, 'size_bytes', r.size_bytes,
        'width', r.width, 'height', r.height, 'preview', r.preview, 'thumbnail', r.thumbnail,
        'exif_location', encode(ST_AsEWKB(r.exif_location), 'hex'),
        'exif_taken_at', audit_utc_text(r.exif_taken_at),
        'exif_distance_m', audit_float_text(r.exif_distance_m),
        'device_location', encode(ST_AsEWKB(r.device_location), 'hex'),
        'device_accuracy_m', audit_float_text(r.device_accuracy_m),
        'device_distance_m', audit_float_text(r.device_distance_m),
        'captured_at', audit_utc_text(r.captured_at), 'note', r.note,
        'metadata', r.metadata, 'warnings', r.warnings,
        'uploaded_by_id', r.uploaded_by_id, 'uploaded_at', audit_utc_text(r.uploaded_at))
    || CASE WHEN r.visit_id IS NULL THEN '{}'::jsonb
            ELSE jsonb_build_object('form', 2, 'visit_id', r.visit_id) END
    || CASE WHEN r.tip_id IS NULL THEN '{}'::jsonb
            ELSE jsonb_build_object('form', 3, 'tip_id', r.tip_id) END
$$;
"""

PHOTO_CONTENT_FORM_2 = r"""
CREATE OR REPLACE FUNCTION audit_sitephoto_content(r public.photos_sitephoto) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object(
        'form', 1, 'table', 'photos_sitephoto',
        'id', r.id, 'case_id', r.case_id, 'original', r.original,
        'original_filename', r.original_filename, 'sha256', r.sha256,
        'content_type', r.content_type, 'size_bytes', r.size_bytes,
        'width', r.width, 'height', r.height, 'preview', r.preview, 'thumbnail', r.thumbnail,
        'exif_location', encode(ST_AsEWKB(r.exif_location), 'hex'),
        'exif_taken_at', audit_utc_text(r.exif_taken_at),
        'exif_distance_m', audit_float_text(r.exif_distance_m),
        'device_location', encode(ST_AsEWKB(r.device_location), 'hex'),
        'device_accuracy_m', audit_float_text(r.device_accuracy_m),
        'device_distance_m', audit_float_text(r.device_distance_m),
        'captured_at', audit_utc_text(r.captured_at), 'note', r.note,
        'metadata', r.metadata, 'warnings', r.warnings,
        'uploaded_by_id', r.uploaded_by_id, 'uploaded_at', audit_utc_text(r.uploaded_at))
    || CASE WHEN r.visit_id IS NULL THEN '{}'::jsonb
            ELSE jsonb_build_object('form', 2, 'visit_id', r.visit_id) END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_visit_photo_records"),
        ("photos", "0006_photo_of_citizen_report"),
    ]

    operations = [migrations.RunSQL(PHOTO_CONTENT, PHOTO_CONTENT_FORM_2)]
