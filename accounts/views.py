"""The settings page: profile, API keys, and the way to the paper-account reset.

Each POST validates one form, calls one service and redirects; an invalid form or a
refused service re-renders the page with the errors next to the fields.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts import selectors, services
from accounts.forms import ApiKeyCreateForm, ProfileForm
from config.errors import DomainError, NotFound
from trading.forms import AccountResetForm


def _render_settings(request, *, profile_form=None, api_key_form=None, issued_key=None):
    context = {
        "profile_form": profile_form or ProfileForm.for_user(request.user),
        "api_key_form": api_key_form or ApiKeyCreateForm(),
        "reset_form": AccountResetForm(),
        "api_keys": selectors.api_key_list(user=request.user),
        "issued_key": issued_key,
    }
    return render(request, "accounts/settings.html", context)


@require_safe
@login_required
def settings_page(request):
    """Show the profile, the API keys and the reset form."""
    return _render_settings(request)


@require_POST
@login_required
def profile_update(request):
    """Save the display name and time zone."""
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            # The service set the values on the user before refusing; show the saved ones.
            request.user.refresh_from_db(fields=["display_name", "time_zone"])
            form.add_service_error(error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("settings")
    return _render_settings(request, profile_form=form)


@never_cache
@require_POST
@login_required
def api_key_create(request):
    """Create an API key and show its secret in this response only.

    The page is rendered instead of redirected so the secret never passes through
    the session store; ``never_cache`` keeps it out of every cache on the way.
    """
    form = ApiKeyCreateForm(request.POST)
    if form.is_valid():
        try:
            issued = services.api_key_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"API key “{issued.api_key.name}” created.")
            return _render_settings(request, issued_key=issued)
    return _render_settings(request, api_key_form=form)


@require_POST
@login_required
def api_key_revoke(request, pk: int):
    """Revoke one of the signed-in user's own API keys."""
    try:
        api_key = selectors.api_key_get(user=request.user, key_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    services.api_key_revoke(api_key=api_key)
    messages.success(request, f"API key “{api_key.name}” revoked. It no longer works.")
    return redirect("settings")
