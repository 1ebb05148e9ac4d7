"""Staff write the course here: guides with a live preview, the glossary, quizzes, rules."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
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


class GuideForm(forms.ModelForm):
    """A guide whose quiz a trading permission rule requires stays published.

    Unpublished, nobody could take the quiz, so nobody could earn what the rule guards.
    """

    class Meta:
        model = Guide
        fields = ["is_published"]  # The admin adds the fields it shows.

    def clean_is_published(self):
        published = self.cleaned_data.get("is_published")
        if published or self.instance.pk is None:
            return published
        rules = TradingPermissionRule.objects.filter(
            Q(leverage_quiz__guide=self.instance) | Q(sell_options_quiz__guide=self.instance)
        ).order_by("instrument_kind")
        kinds = [rule.get_instrument_kind_display().lower() for rule in rules]
        if kinds:
            raise ValidationError(
                f"The trading permission rule for {', '.join(kinds)} requires this guide's "
                "quiz: change the rule first, or nobody could earn that permission."
            )
        return published


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    """Write a guide in Markdown; the preview beside it shows what readers will see."""

    form = GuideForm
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

    def get_changelist_form(self, request, **kwargs):
        # The list's publish checkboxes keep the same rule as the change form.
        return super().get_changelist_form(request, form=GuideForm, **kwargs)

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


# Quizzes: a question that cannot be answered right would block every reader behind it,
# and a permission rule behind it, so the admin refuses one before it is saved.

CHOICES_NEEDED = "A multiple-choice question needs at least two choices."
ONE_CORRECT = "Mark exactly one choice as correct."
NO_CHOICES_FOR_NUMBERS = "A numeric question is answered with a number: remove its choices."
CHOICES_ON_OWN_PAGE = (
    "A multiple-choice question needs its choices: add it from Questions, where its "
    "choices are edited with it."
)


def _kept(formset) -> list:
    """The formset's forms that will be saved: filled in and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


def _choice_problem(choices: list[tuple[str, bool]]) -> str | None:
    """What is wrong with a multiple-choice question's (text, is_correct) choices, if anything."""
    if len(choices) < 2:
        return CHOICES_NEEDED
    if sum(1 for _, is_correct in choices if is_correct) != 1:
        return ONE_CORRECT
    return None


class ChoiceFormSet(BaseInlineFormSet):
    """A multiple-choice question has two choices or more and exactly one right one."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = _kept(self)
        if self.instance.kind == Question.Kind.CHOICE:
            problem = _choice_problem(
                [(form.cleaned_data["text"], form.cleaned_data.get("is_correct")) for form in kept]
            )
            if problem:
                raise ValidationError(problem)
        elif self.instance.kind == Question.Kind.NUMERIC and kept:
            raise ValidationError(NO_CHOICES_FOR_NUMBERS)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ["order", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quiz", "kind", "order"]
    list_filter = ["kind", "quiz"]
    fields = ["quiz", "order", "kind", "prompt", "answer", "tolerance", "unit", "explanation"]
    inlines = [ChoiceInline]


class QuestionFormSet(BaseInlineFormSet):
    """On the quiz's page a multiple-choice question keeps the choices saved with it."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        for form in _kept(self):
            if form.cleaned_data.get("kind") != Question.Kind.CHOICE:
                continue
            question = form.instance
            saved = list(question.choices.values_list("text", "is_correct")) if question.pk else []
            if not saved:
                form.add_error("kind", CHOICES_ON_OWN_PAGE)
            elif problem := _choice_problem(saved):
                form.add_error("kind", f"{problem} Edit its choices on the question's own page.")


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionFormSet
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


class TradingPermissionRuleForm(forms.ModelForm):
    """A rule's quiz must be one readers can take: its guide published, its questions there."""

    class Meta:
        model = TradingPermissionRule
        fields = ["instrument_kind", "leverage_above", "leverage_quiz", "sell_options_quiz"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("leverage_quiz", "sell_options_quiz"):
            self.fields[name].queryset = Quiz.objects.select_related("guide")

    def clean_leverage_above(self):
        level = self.cleaned_data.get("leverage_above")
        if level is not None and level < 1:
            raise ValidationError("Leverage starts at 1x: give a level of 1 or more.")
        return level

    def _check_quiz(self, name: str):
        quiz = self.cleaned_data.get(name)
        if quiz is None:
            return quiz
        if not quiz.guide.is_published:
            raise ValidationError(
                f"\u201c{quiz.guide.title}\u201d is not published, so nobody could pass its "
                "quiz: publish the guide first or pick another quiz."
            )
        if not quiz.questions.exists():
            raise ValidationError(f"\u201c{quiz}\u201d has no questions yet: add them first.")
        return quiz

    def clean_leverage_quiz(self):
        return self._check_quiz("leverage_quiz")

    def clean_sell_options_quiz(self):
        return self._check_quiz("sell_options_quiz")


@admin.register(TradingPermissionRule)
class TradingPermissionRuleAdmin(admin.ModelAdmin):
    """Require a passed quiz before a user trades a kind of instrument the riskier way."""

    form = TradingPermissionRuleForm
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
