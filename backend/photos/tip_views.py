"""A report's photos on its public page: only the re-encoded derivatives.

The derivatives carry no metadata (no EXIF position, no device); the
original, as sent, is for the ward's staff only (backend.photos.views).
Anyone holding the report's code may see them, and nothing else: a photo of
another report, or of a case, is not found under this code.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from backend.intake.selectors import tip_by_code, tip_public_photos
from backend.photos.views import serve_photo_file


@require_GET
def tip_photo_public(request: HttpRequest, code: str, photo_id: int) -> HttpResponseBase:
    """The preview (or, with ?size=small, the thumbnail) of one photo of the report."""
    tip = tip_by_code(code)
    if tip is None:
        raise Http404
    photo = tip_public_photos(tip).filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    variant = "thumbnail" if request.GET.get("size") == "small" else "preview"
    response = serve_photo_file(
        request,
        photo,
        variant,
        content_type="image/jpeg",
        filename=f"{tip.code}-{photo.pk}-{variant}.jpg",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
