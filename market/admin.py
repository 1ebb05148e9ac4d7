from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from market import services
from market.models import Candle, Instrument, MarginTier, Underlying


@admin.register(Underlying)
class UnderlyingAdmin(admin.ModelAdmin):
    """Choose each underlying's feed and volatility; changes apply on the next tick."""

    list_display = [
        "symbol",
        "name",
        "feed_source",
        "index_price",
        "last_tick_at",
        "implied_volatility",
        "lists_derivatives",
    ]
    list_filter = ["feed_source"]
    readonly_fields = ["index_price", "tick_sequence", "last_tick_at"]
    fieldsets = [
        (None, {"fields": ["symbol", "name", "quote_asset", "price_tick"]}),
        (
            "Price feed",
            {
                "fields": [
                    "feed_source",
                    "initial_price",
                    "seed",
                    "annual_volatility",
                    "replay_episode",
                    "replay_start",
                    "replay_speed",
                    "live_exchange",
                    "live_symbol",
                ],
                "description": "Simulated is the default. A replay plays one of the shipped "
                "episodes of real BTC history (data: CryptoDataDownload, from Bitstamp and "
                "Coinbase). Live needs the optional ccxt extra and a network.",
            },
        ),
        (
            "Options",
            {
                "fields": [
                    "implied_volatility",
                    "volatility_skew",
                    "volatility_curvature",
                    "lists_derivatives",
                    "option_strike_step",
                    "option_strike_count",
                ]
            },
        ),
        ("Now", {"fields": ["index_price", "tick_sequence", "last_tick_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        from market.history import EPISODES

        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["replay_episode"].widget = forms.Select(
            choices=[("", "---------")] + [(key, e.title) for key, e in EPISODES.items()]
        )
        return form

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["symbol", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.UNDERLYING_FIELDS}
        saved = services.underlying_upsert(symbol=obj.symbol, **fields)
        obj.pk = saved.pk


class MarginTierInline(admin.TabularInline):
    model = MarginTier
    extra = 0
    fields = [
        "max_notional",
        "initial_margin_rate",
        "maintenance_margin_rate",
        "maintenance_amount",
    ]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """List, halt and reopen instruments; every write goes through ``market.services``."""

    list_display = [
        "symbol",
        "kind",
        "underlying",
        "status",
        "expiry",
        "max_leverage",
        "initial_margin_rate",
        "maintenance_margin_rate",
        "taker_fee_rate",
    ]
    list_filter = ["kind", "status", "underlying"]
    search_fields = ["symbol"]
    actions = ["halt", "reopen"]
    inlines = [MarginTierInline]
    list_select_related = ["underlying"]
    fieldsets = [
        (None, {"fields": ["symbol", "kind", "underlying", "quote_asset", "status"]}),
        ("Sizes", {"fields": ["tick_size", "lot_size", "min_quantity", "max_quantity"]}),
        (
            "Margin",
            {"fields": ["max_leverage", "initial_margin_rate", "maintenance_margin_rate"]},
        ),
        ("Fees", {"fields": ["maker_fee_rate", "taker_fee_rate"]}),
        (
            "Carrying costs",
            {
                "fields": [
                    "borrow_rate",
                    "funding_interval_hours",
                    "funding_rate_cap",
                    "financing_rate",
                    "basis_rate",
                ],
                "description": "Spot on margin: borrow rate. Perpetual: funding interval and "
                "cap. CFD: financing rate. Dated future: basis.",
            },
        ),
        (
            "Expiry",
            {"fields": ["expiry", "strike", "option_type", "settlement_price"]},
        ),
        (
            "Simulated outside liquidity",
            {"fields": ["spread_rate", "depth_per_level", "level_step_rate", "whale_notional"]},
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Status moves only through the actions; a listed symbol is its public name.
        readonly = ["status", "settlement_price", "created_at", "updated_at"]
        return readonly if obj is None else ["symbol", "underlying", "kind", *readonly]

    def has_delete_permission(self, request, obj=None):
        # Orders and positions refer to instruments: retire one by settling it instead.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.INSTRUMENT_FIELDS}
        saved = services.instrument_upsert(symbol=obj.symbol, **fields)
        obj.pk, obj.status = saved.pk, saved.status
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    def save_formset(self, request, form, formset, change):
        if formset.model is not MarginTier or form.instance.pk is None:
            return super().save_formset(request, form, formset, change)
        tiers = [
            {name: f.cleaned_data[name] for name in MarginTierInline.fields}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        # The admin's change message reads these; the service replaced the rows.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            services.margin_tiers_replace(instrument=form.instance, tiers=tiers)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

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


@admin.register(Candle)
class CandleAdmin(admin.ModelAdmin):
    list_display = ["instrument", "interval", "open_time", "open", "high", "low", "close"]
    list_filter = ["interval"]
    search_fields = ["instrument__symbol"]
    date_hierarchy = "open_time"
    list_select_related = ["instrument"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
