"""Photo files, served only to those who may see their case."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from backend.photos.selectors import photos_visible_to
from backend.photos.storage import VARIANTS, photo_storage, signed_url_storage, storage_is_local

# Content-addressed objects never change, but who may see them can (and a
# shared browser has several users): the browser keeps a private copy and asks
# again every time; the ETag (the photo's hash) makes that a cheap 304.
CACHE_CONTROL = "private, no-cache"


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int, variant: str) -> HttpResponseBase:
    """The original or a derivative of a photo the user may see; 404 otherwise."""
    if variant not in VARIANTS:
        raise Http404
    photo = get_object_or_404(photos_visible_to(request.user), pk=pk)
    content_type = photo.content_type if variant == "original" else "image/jpeg"
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        content_type, content_type.rsplit("/", 1)[-1]
    )
    if photo.case is not None:
        owner = photo.case.code
    elif photo.tip is not None:
        owner = photo.tip.code
    else:
        owner = f"visit{photo.visit_id}"
    filename = f"{owner}-{photo.pk}-{variant}.{extension}"
    return serve_photo_file(request, photo, variant, content_type=content_type, filename=filename)


def serve_photo_file(
    request: HttpRequest, photo: Any, variant: str, *, content_type: str, filename: str
) -> HttpResponseBase:
    """A stored photo file: from local storage with an ETag, or a short-lived signed URL."""
    name = getattr(photo, variant).name
    if not name:
        raise Http404
    etag = f'"{photo.sha256}-{variant}"'
    storage: Any = photo_storage()
    if not storage_is_local(storage):
        # A signed URL is a bearer token: short-lived (AWS_QUERYSTRING_EXPIRE).
        signing: Any = signed_url_storage()
        url = signing.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f'inline; filename="{filename}"',
            },
        )
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"
        return redirect
    if etag in request.headers.get("If-None-Match", ""):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = CACHE_CONTROL
        return not_modified
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=filename)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    # An original is evidence, not a page: never let a browser run what it carries.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
