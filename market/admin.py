from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from market import services
from market.models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """List, halt and reopen instruments; every write goes through ``market.services``."""

    list_display = [
        "symbol",
        "kind",
        "status",
        "max_leverage",
        "initial_margin_rate",
        "maintenance_margin_rate",
        "maker_fee_rate",
        "taker_fee_rate",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["symbol", "base_asset"]
    actions = ["halt", "reopen"]
    fieldsets = [
        (None, {"fields": ["symbol", "kind", "status", "base_asset", "quote_asset"]}),
        ("Sizes", {"fields": ["tick_size", "lot_size", "min_quantity", "max_quantity"]}),
        (
            "Margin",
            {"fields": ["max_leverage", "initial_margin_rate", "maintenance_margin_rate"]},
        ),
        ("Fees", {"fields": ["maker_fee_rate", "taker_fee_rate"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Status moves only through the actions; a listed symbol is its public name.
        readonly = ["status", "created_at", "updated_at"]
        return readonly if obj is None else ["symbol", *readonly]

    def has_delete_permission(self, request, obj=None):
        # Orders and positions refer to instruments: retire one by settling it instead.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.INSTRUMENT_FIELDS}
        saved = services.instrument_upsert(symbol=obj.symbol, **fields)
        obj.pk, obj.status = saved.pk, saved.status
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    @admin.action(description="Halt trading in the selected instruments")
    def halt(self, request, queryset):
        self._set_status(request, queryset, Instrument.Status.HALTED, done="Halted")

    @admin.action(description="Reopen trading in the selected instruments")
    def reopen(self, request, queryset):
        self._set_status(request, queryset, Instrument.Status.OPEN, done="Reopened")

    def _set_status(self, request, queryset, status, *, done):
        changed = []
        for instrument in queryset.order_by("pk"):
            if instrument.status == status:
                continue
            try:
                services.instrument_set_status(instrument=instrument, status=status)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                changed.append(instrument.symbol)
        if changed:
            self.message_user(request, f"{done}: {', '.join(changed)}.")
