"""Guides, the glossary, quizzes, progress along the learning path, and trading permissions.

Guides and glossary entries are Markdown stored here; ``education.content`` renders
them. The shipped course is loaded by ``seed_guides``, which remembers the checksum
of what it wrote so that a row staff have since edited is never overwritten.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from market.models import Instrument

DECIMAL = {"max_digits": 28, "decimal_places": 8}


class GuideCategory(models.Model):
    """A chapter of the learning path: the basics, each way to short, risk, analysis."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the path.")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "guide categories"

    def __str__(self):
        return self.name


class Guide(models.Model):
    """One lesson, written in Markdown, in its place along the learning path."""

    category = models.ForeignKey(GuideCategory, on_delete=models.PROTECT, related_name="guides")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown. ```tryit blocks become a pre-filled ticket.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the path.")
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    is_published = models.BooleanField(default=False)
    # What seed_guides last wrote; a differing checksum means staff have edited the row.
    seed_checksum = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["is_published", "order"])]

    def __str__(self):
        return self.title


class GlossaryTerm(models.Model):
    """A word a newcomer meets, explained briefly on hover and at length on the glossary."""

    term = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms linked to this term, comma-separated (plurals, abbreviations).",
    )
    short_definition = models.CharField(max_length=240, help_text="Shown on hover.")
    body = models.TextField(blank=True, help_text="Markdown, shown on the glossary page.")
    seed_checksum = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.split(",") if alias.strip()]


class Quiz(models.Model):
    """The questions at the end of a guide."""

    guide = models.OneToOneField(Guide, on_delete=models.CASCADE, related_name="quiz")
    title = models.CharField(max_length=160)
    pass_percent = models.PositiveSmallIntegerField(
        default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    seed_checksum = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["guide__order", "pk"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_percent__gte=1, pass_percent__lte=100),
                name="education_quiz_pass_percent_range",
            ),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    """A multiple-choice question, or one answered with a number within a tolerance."""

    class Kind(models.TextChoices):
        CHOICE = "choice", "Multiple choice"
        NUMERIC = "numeric", "Numeric"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    prompt = models.TextField(help_text="Markdown.")
    explanation = models.TextField(help_text="Markdown, shown after the answer is scored.")
    answer = models.DecimalField(**DECIMAL, null=True, blank=True, help_text="Numeric only.")
    tolerance = models.DecimalField(
        **DECIMAL,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Numeric only: how far from the answer still counts as right.",
    )
    unit = models.CharField(max_length=16, blank=True, help_text="Numeric only, e.g. USD.")

    class Meta:
        ordering = ["quiz_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="choice", answer__isnull=True, tolerance__isnull=True)
                    | models.Q(
                        kind="numeric",
                        answer__isnull=False,
                        tolerance__isnull=False,
                        tolerance__gte=0,
                    )
                ),
                name="education_question_answer_matches_kind",
            ),
        ]

    def __str__(self):
        return self.prompt[:60]

    def clean(self):
        if self.kind == self.Kind.NUMERIC:
            errors = {}
            if self.answer is None:
                errors["answer"] = "A numeric question needs its right answer."
            if self.tolerance is None:
                errors["tolerance"] = "Give how far from the answer still counts (0 for exact)."
            if errors:
                raise ValidationError(errors)
        if self.kind == self.Kind.CHOICE and (
            self.answer is not None or self.tolerance is not None
        ):
            raise ValidationError(
                {"answer": "A multiple-choice question is answered by its choices: leave empty."}
            )


class Choice(models.Model):
    """One option of a multiple-choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_id", "order", "pk"]

    def __str__(self):
        return self.text


class QuizAttempt(models.Model):
    """A user's scored answers to a quiz."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    answers = models.JSONField(help_text="Per question: the answer given and whether it was right.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "quiz", "passed"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(correct__lte=models.F("total")),
                name="education_attempt_correct_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.correct}/{self.total} on {self.quiz}"

    @property
    def percent(self) -> int:
        return round(self.correct * 100 / self.total) if self.total else 0


class GuideProgress(models.Model):
    """How far a user has come with a guide: read it, then passed its quiz."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_progress"
    )
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="progress")
    read_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["guide__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "guide"], name="education_progress_unique"),
        ]
        verbose_name_plural = "guide progress"

    def __str__(self):
        return f"{self.user} on {self.guide}"


class TradingPermissionRule(models.Model):
    """What a user must have passed before trading one kind of instrument in a riskier way.

    Leverage above ``leverage_above`` needs ``leverage_quiz`` passed; opening or adding to
    a short option (selling options) needs ``sell_options_quiz`` passed.
    """

    instrument_kind = models.CharField(max_length=16, choices=Instrument.Kind.choices, unique=True)
    leverage_above = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1))],
        help_text="Leverage above this needs the leverage quiz passed; empty: no limit.",
    )
    leverage_quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sell_options_quiz = models.ForeignKey(
        Quiz,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Options only: selling to open needs this quiz passed; empty: allowed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument_kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(leverage_above__isnull=True)
                | models.Q(leverage_quiz__isnull=False),
                name="education_rule_leverage_needs_quiz",
            ),
            models.CheckConstraint(
                condition=models.Q(sell_options_quiz__isnull=True)
                | models.Q(instrument_kind="option"),
                name="education_rule_sell_quiz_only_options",
            ),
        ]

    def __str__(self):
        return f"Permissions for {self.get_instrument_kind_display()}"

    def clean(self):
        errors = {}
        if self.leverage_above is not None and self.leverage_quiz_id is None:
            errors["leverage_quiz"] = "Choose the quiz a user must pass to go above the level."
        if self.sell_options_quiz_id is not None and self.instrument_kind != Instrument.Kind.OPTION:
            errors["sell_options_quiz"] = "Only options can be sold to open; leave this empty."
        if errors:
            raise ValidationError(errors)


# Scenarios -------------------------------------------------------------------------
# A scenario is a stretch of real BTC/USD history (market.history); a run replays it on
# private instruments for one user, in a scenario account apart from the paper account.


class Scenario(models.Model):
    """A stretch of real price history that users replay and trade, such as a crash."""

    class Interval(models.TextChoices):
        HOUR = "1h", "Hourly bars"
        DAY = "1d", "Daily bars"

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What happened, in a few plain sentences.")
    lesson = models.TextField(blank=True, help_text="What a short seller can learn from it.")
    interval = models.CharField(max_length=2, choices=Interval.choices, default=Interval.HOUR)
    start = models.DateTimeField(help_text="The first bar replayed (UTC).")
    end = models.DateTimeField(help_text="The last bar replayed (UTC).")
    starting_balance = models.DecimalField(
        **DECIMAL, default=Decimal("100000"), validators=[MinValueValidator(Decimal("100"))]
    )
    default_speed = models.PositiveIntegerField(
        default=3600, help_text="Historical seconds played per real second."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="education_scenario_ends_later"
            ),
            models.CheckConstraint(
                condition=models.Q(starting_balance__gt=0),
                name="education_scenario_balance_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        from education.selectors.scenarios import scenario_window_errors

        errors = scenario_window_errors(
            interval=self.interval, start=self.start, end=self.end, speed=self.default_speed
        )
        if errors:
            raise ValidationError(errors)


class ScenarioRun(models.Model):
    """One user's replay of a scenario: its private market, its account and its result."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        FINISHED = "finished", "Finished"

    class EndReason(models.TextChoices):
        WINDOW_END = "window_end", "The replay reached the end of the scenario"
        USER = "user", "Ended by the trader"

    ACTIVE_STATUSES = (Status.RUNNING, Status.PAUSED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scenario_runs"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    account = models.OneToOneField(
        "trading.Account", on_delete=models.PROTECT, related_name="scenario_run"
    )
    underlying = models.OneToOneField(
        "market.Underlying", on_delete=models.PROTECT, related_name="scenario_run"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    speed = models.PositiveIntegerField(help_text="Historical seconds played per real second.")
    starting_balance = models.DecimalField(**DECIMAL)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    # The result, written once when the run finishes.
    final_equity = models.DecimalField(**DECIMAL, null=True, blank=True)
    max_drawdown = models.DecimalField(**DECIMAL, null=True, blank=True)
    buy_and_hold_return = models.DecimalField(**DECIMAL, null=True, blank=True)
    perfect_short_return = models.DecimalField(**DECIMAL, null=True, blank=True)
    carried_through = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The replayed time up to which funding, interest and financing are charged.",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="education_run_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="finished")
                | models.Q(finished_at__isnull=False, final_equity__isnull=False),
                name="education_run_finished_has_result",
            ),
        ]

    def __str__(self):
        return f"{self.scenario} by {self.user} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class ScenarioPoint(models.Model):
    """A run's equity at one moment of replayed history: its equity curve and drawdown."""

    run = models.ForeignKey(ScenarioRun, on_delete=models.CASCADE, related_name="points")
    source_time = models.DateTimeField(help_text="The historical time the replay had reached.")
    index_price = models.DecimalField(**DECIMAL)
    equity = models.DecimalField(**DECIMAL)

    class Meta:
        ordering = ["run", "source_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "source_time"], name="education_scenariopoint_unique"
            ),
        ]

    def __str__(self):
        return f"{self.equity} at {self.source_time:%Y-%m-%d %H:%M}"
