"""Pages of the paper account: the dashboard and the reset."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from config.errors import DomainError
from trading import selectors, services
from trading.forms import AccountResetForm, starting_balance_display

LEDGER_LINES_SHOWN = 20
OPEN_ORDERS_SHOWN = 50


@require_safe
@login_required
def dashboard(request):
    """Show the paper account's balances, positions, open orders and latest ledger lines."""
    account = selectors.paper_account_for_user(user=request.user)
    quotes = {}  # One quote per instrument, shared by the summary and the positions.
    context = {
        "summary": selectors.account_summary(account=account, quotes=quotes),
        "positions": selectors.position_views(account=account, quotes=quotes),
        "open_orders": selectors.order_list(account=account, status="open")[:OPEN_ORDERS_SHOWN],
        "ledger_lines": selectors.ledger_line_list(account=account)[:LEDGER_LINES_SHOWN],
        "ledger_lines_shown": LEDGER_LINES_SHOWN,
    }
    return render(request, "trading/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_reset(request):
    """Restore the paper account to the starting balance once the user confirms."""
    account = selectors.paper_account_for_user(user=request.user)
    form = AccountResetForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            entry = services.account_reset(account=account, requested_by=request.user)
        except DomainError as error:
            form.add_service_error(error)
        else:
            if entry is None:
                messages.info(
                    request, "Your paper account already had the starting balance; nothing changed."
                )
            else:
                messages.success(
                    request, f"Your paper account is reset to {starting_balance_display()}."
                )
            return redirect("dashboard")
    context = {"form": form, "summary": selectors.account_summary(account=account)}
    return render(request, "trading/account_reset.html", context)
