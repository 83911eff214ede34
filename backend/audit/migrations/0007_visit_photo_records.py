"""Photos of site visits (photos_sitephoto.visit_id, backend.sites) in the record hashes.

A photo of a case keeps its canonical form 1 (its hash is unchanged, so every
recorded event still verifies). A photo that belongs to a visit hashes as
form 2: form 1 plus `visit_id`. A visit's photo without a case is no case's
history: no case event records it and verification leaves it out; when the
visit opens a case, the case gets photo rows of its own, recorded by events.
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
$$;
"""

PHOTO_CONTENT_FORM_1 = r"""
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
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_published_chain_heads"),
        ("photos", "0005_photo_of_visit"),
    ]

    operations = [migrations.RunSQL(PHOTO_CONTENT, PHOTO_CONTENT_FORM_1)]
