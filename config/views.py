from django.conf import settings
from django.shortcuts import redirect, render
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import server_error as html_server_error

from config.api.exceptions import api_not_found, api_server_error


def landing(request):
    """Say what Shortbook is and lead to sign up."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(
        request, "landing.html", {"starting_balance": settings.SHORTBOOK_STARTING_BALANCE}
    )


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return html_page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return html_server_error(request)
