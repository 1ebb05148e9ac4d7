"""Staff see paper accounts with their ledger; funds move only through services."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from config.errors import DomainError
from trading import selectors, services
from trading.models import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    Account,
    CarryBatch,
    JournalEntry,
    JournalLine,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JournalLineInline(ReadOnlyMixin, admin.TabularInline):
    model = JournalLine
    extra = 0
    fields = ["entry_link", "kind", "memo", "asset", "amount", "created_at"]
    readonly_fields = fields
    ordering = ["-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entry")

    @admin.display(description="Entry")
    def entry_link(self, line):
        url = reverse("admin:trading_journalentry_change", args=[line.entry_id])
        return format_html('<a href="{}">#{}</a>', url, line.entry_id)

    @admin.display(description="Kind")
    def kind(self, line):
        return line.entry.get_kind_display()

    @admin.display(description="Memo")
    def memo(self, line):
        return line.entry.memo

    @admin.display(description="Date")
    def created_at(self, line):
        return line.entry.created_at


class FundsGrantForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        help_text="Positive to grant virtual USD, negative to remove it.",
    )
    reason = forms.CharField(max_length=255, help_text="Recorded on the journal entry.")

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("The amount must not be zero.")
        return amount


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "user", "cash", "created_at"]
    list_filter = ["kind", "system_code"]
    search_fields = ["user__email"]
    fields = ["kind", "user", "system_code", "currency", "cash", "created_at", "grant_link"]
    readonly_fields = fields
    inlines = [JournalLineInline]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Cash")
    def cash(self, account):
        return f"{selectors.account_cash(account=account):,.2f} {account.currency}"

    @admin.display(description="Funds")
    def grant_link(self, account):
        if account.kind != Account.Kind.PAPER:
            return "-"
        url = reverse("admin:trading_account_grant", args=[account.pk])
        return format_html('<a class="button" href="{}">Grant or remove funds</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:account_id>/grant/",
                self.admin_site.admin_view(self.grant_view),
                name="trading_account_grant",
            ),
            *super().get_urls(),
        ]

    def grant_view(self, request, account_id):
        if not request.user.has_perm("trading.change_account"):
            raise PermissionDenied
        account = get_object_or_404(Account, pk=account_id, kind=Account.Kind.PAPER)
        form = FundsGrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.funds_grant(
                    account=account,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    granted_by=request.user,
                )
            except DomainError as error:
                form.add_error("amount", error.message)
            else:
                amount: Decimal = form.cleaned_data["amount"]
                verb = "Granted" if amount > 0 else "Removed"
                self.message_user(
                    request, f"{verb} {abs(amount):,.2f} USD on {account}.", messages.SUCCESS
                )
                return redirect("admin:trading_account_change", account.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Grant or remove funds: {account}",
            "account": account,
            "cash": selectors.account_cash(account=account),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/trading/account/grant.html", context)


class EntryLineInline(ReadOnlyMixin, admin.TabularInline):
    model = JournalLine
    extra = 0
    fields = ["account", "asset", "amount"]
    readonly_fields = fields


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "memo", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["memo", "lines__account__user__email"]
    date_hierarchy = "created_at"
    fields = ["kind", "memo", "created_by", "idempotency_key", "created_at"]
    readonly_fields = fields
    inlines = [EntryLineInline]
    list_select_related = ["created_by"]


@admin.register(CarryBatch)
class CarryBatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Each carry round's batches: when the round opened, and which are still to post."""

    list_display = ["instrument", "kind", "period", "number", "charged", "created_at", "posted_at"]
    list_filter = ["kind", "instrument"]
    date_hierarchy = "created_at"
    fields = [
        "instrument", "kind", "period", "number", "mark_price", "rate", "charged",
        "created_at", "posted_at",
    ]  # fmt: skip
    readonly_fields = fields
    list_select_related = ["instrument"]
