"""Staff write the course here: guides with a live preview, the glossary, quizzes, rules."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from education import selectors, services
from education.models import (
    Choice,
    GlossaryTerm,
    Guide,
    GuideCategory,
    GuideProgress,
    Question,
    Quiz,
    QuizAttempt,
    Scenario,
    ScenarioRun,
    TradingPermissionRule,
)

PREVIEW_MAX_CHARS = 200_000


class _PreviewReader:
    """Show try-it tickets in the preview as a signed-in reader sees them."""

    is_authenticated = True


@admin.register(GuideCategory)
class GuideCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "slug"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    """Write a guide in Markdown; the preview beside it shows what readers will see."""

    list_display = ["title", "category", "order", "reading_minutes", "is_published", "updated_at"]
    list_filter = ["is_published", "category"]
    list_editable = ["order", "is_published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["category"]
    readonly_fields = ["reading_minutes", "preview", "view_on_site_link"]
    fields = [
        "title",
        "slug",
        "category",
        "order",
        "summary",
        "is_published",
        "body",
        "preview",
        "reading_minutes",
        "view_on_site_link",
    ]

    class Media:
        js = ["js/guides.js"]

    def save_model(self, request, obj, form, change):
        services.guide_save(guide=obj)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("preview/", preview, name="education_guide_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """Render posted Markdown as a reader would see the guide (staff only)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        body = request.POST.get("body", "")[:PREVIEW_MAX_CHARS]
        guide = Guide(title=request.POST.get("title", ""), slug="preview", body=body)
        return HttpResponse(self._preview_page(guide))

    def _preview_page(self, guide) -> str:
        rendered = selectors.guide_render(guide=guide, user=_PreviewReader(), body=guide.body)
        return render_to_string(
            "education/admin_preview.html", {"guide": guide, "rendered": rendered}
        )

    @admin.display(description="Preview")
    def preview(self, obj):
        guide = obj if obj and obj.pk else Guide(title="", slug="preview", body="")
        return format_html(
            '<iframe class="guide-preview" title="Preview of the guide" data-guide-preview '
            'sandbox="allow-same-origin" data-url="{}" srcdoc="{}" style="width:100%;'
            'min-height:480px;border:1px solid #ccc;border-radius:6px;background:#fff">'
            "</iframe>"
            '<p class="help">Updates as you type, with the site\'s own styles.</p>',
            reverse("admin:education_guide_preview"),
            self._preview_page(guide),
        )

    @admin.display(description="On the site")
    def view_on_site_link(self, obj):
        if not obj or not obj.pk:
            return "-"
        url = reverse("guide_detail", args=[obj.slug])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "short_definition", "aliases"]
    search_fields = ["term", "aliases", "short_definition"]
    prepopulated_fields = {"slug": ["term"]}
    fields = ["term", "slug", "aliases", "short_definition", "body"]

    def save_model(self, request, obj, form, change):
        services.glossary_term_save(term=obj)


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quiz", "kind", "order"]
    list_filter = ["kind", "quiz"]
    fields = ["quiz", "order", "kind", "prompt", "answer", "tolerance", "unit", "explanation"]
    inlines = [ChoiceInline]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ["order", "kind", "prompt", "answer", "tolerance", "unit", "explanation"]
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "guide", "pass_percent"]
    list_select_related = ["guide"]
    fields = ["guide", "title", "pass_percent"]
    inlines = [QuestionInline]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "correct", "total", "passed", "created_at"]
    list_filter = ["passed", "quiz"]
    search_fields = ["user__email"]
    list_select_related = ["user", "quiz"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GuideProgress)
class GuideProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "guide", "read_at", "completed_at"]
    search_fields = ["user__email"]
    list_select_related = ["user", "guide"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TradingPermissionRule)
class TradingPermissionRuleAdmin(admin.ModelAdmin):
    """Require a passed quiz before a user trades a kind of instrument the riskier way."""

    list_display = ["instrument_kind", "leverage_above", "leverage_quiz", "sell_options_quiz"]
    fields = ["instrument_kind", "leverage_above", "leverage_quiz", "sell_options_quiz"]
    list_select_related = ["leverage_quiz", "sell_options_quiz"]


# Scenarios -------------------------------------------------------------------------


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    """Staff make a scenario of any stretch of the shipped history; `clean` checks the data."""

    list_display = ("title", "interval", "start", "end", "default_speed", "is_published")
    list_editable = ("is_published",)
    list_filter = ("interval", "is_published")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "lesson", "is_published", "position")}),
        (
            "The stretch of history",
            {
                "fields": ("interval", "start", "end", "default_speed", "starting_balance"),
                "description": (
                    "Hourly bars run from 2017-07-01 to 2022-08-20, daily bars from "
                    "2014-11-28 on (UTC). The speed is historical seconds a second, at most "
                    "one bar a second: 600, 1800 or 3600 for hourly bars, up to 86400 for daily."
                ),
            },
        ),
    )


@admin.register(ScenarioRun)
class ScenarioRunAdmin(admin.ModelAdmin):
    list_display = ("scenario", "user", "status", "started_at", "final_equity")
    list_filter = ("status", "scenario")
    list_select_related = ("scenario", "user")
    readonly_fields = [field.name for field in ScenarioRun._meta.fields]

    def has_add_permission(self, request):
        return False  # Runs start from the scenario page, with their own market and account.
