"""The signed-in user's own pages: the devices signed in to their account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from backend.accounts.selectors import device_tokens_of
from backend.accounts.services import device_token_revoke


@never_cache
@login_required
@require_safe
def devices(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/devices.html", {"tokens": device_tokens_of(request.user)})


@login_required
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own: another user's device is not found, whoever asks.
    token = device_tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    name = token.device or _("(unnamed device)")
    this_session = bool(token.session_key) and token.session_key == request.session.session_key
    device_token_revoke(token=token)
    if this_session:
        # The token was issued to this very page's session, which it ends.
        logout(request)
        return redirect("login")
    messages.success(request, _("%(device)s is signed out.") % {"device": name})
    return redirect("devices")
