"""Write guides, glossary terms, quiz attempts and progress; load the shipped course.

The course ships as files under ``education/content/``: ``path.toml`` (the chapters),
``glossary.toml`` and one Markdown file per guide whose TOML front matter, between
``+++`` lines, holds its title, chapter, place in the path and quiz. ``guides_seed``
loads them idempotently and never overwrites a row staff have edited since: each
seeded row keeps the checksum of what was written, and a row whose content no longer
matches its checksum is left alone. ``permissions.toml`` holds the default trading
permissions (which quiz opens high leverage or option selling); a rule is created
only for an instrument kind that has none, so staff's own rules always stand.
"""

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from config.errors import DomainError
from education.models import (
    Choice,
    GlossaryTerm,
    Guide,
    GuideCategory,
    GuideProgress,
    Question,
    Quiz,
    QuizAttempt,
    TradingPermissionRule,
)
from education.rendering import TRYIT_BLOCK, TryItError, parse_tryit, reading_minutes
from market.models import Instrument

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
FRONT_MATTER = "+++"
NOT_A_NUMBER = "Give a number, such as 103960.40."


class InvalidAnswers(DomainError):
    code = "invalid_answers"
    default_message = "Answer every question: a choice, or a number."


class InvalidContent(DomainError):
    code = "invalid_content"
    default_message = "The course content is not valid."


# Guides and glossary ---------------------------------------------------------------


@transaction.atomic
def guide_save(*, guide: Guide) -> Guide:
    """Save a guide edited in the admin, its reading time worked out from its text."""
    guide.reading_minutes = reading_minutes(guide.body)
    guide.save()
    return guide


@transaction.atomic
def glossary_term_save(*, term: GlossaryTerm) -> GlossaryTerm:
    """Save a glossary term, its slug made from the term when empty."""
    if not term.slug:
        term.slug = slugify(term.term)
    term.save()
    return term


# Progress and quizzes --------------------------------------------------------------


@transaction.atomic
def guide_mark_read(*, user, guide: Guide, now=None) -> GuideProgress:
    """Record that the user has read the guide (the first time counts)."""
    now = now or timezone.now()
    progress, _ = GuideProgress.objects.select_for_update().get_or_create(user=user, guide=guide)
    if progress.read_at is None:
        progress.read_at = now
        progress.save(update_fields=["read_at"])
    return progress


def numeric_answer(raw) -> Decimal | None:
    """Read a number as people type it (1,400.50, $1400, 33.3%); None if it is not one."""
    if isinstance(raw, bool) or raw is None:
        return None
    text = str(raw).strip().replace(",", "").replace("$", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@transaction.atomic
def quiz_submit(*, user, quiz: Quiz, answers: Mapping, now=None) -> QuizAttempt:
    """Score the user's answers, keep the attempt, and complete the guide when it passes.

    ``answers`` maps each question's id (as text or a number) to the chosen choice's
    id, or for a numeric question to the number given. Every question must be
    answered; otherwise nothing is saved and ``InvalidAnswers`` names the fields.
    """
    now = now or timezone.now()
    given = {str(key): value for key, value in answers.items()}
    questions = list(quiz.questions.prefetch_related("choices").order_by("order", "pk"))
    if not questions:
        raise InvalidAnswers("This quiz has no questions yet.", code="quiz_empty")
    errors: dict[str, list[str]] = {}
    scored: dict[str, dict] = {}
    for question in questions:
        key = str(question.pk)
        raw = given.get(key)
        if raw is None or str(raw).strip() == "":
            errors[key] = ["Answer this question."]
            continue
        if question.kind == Question.Kind.CHOICE:
            choices = {str(choice.pk): choice for choice in question.choices.all()}
            choice = choices.get(str(raw).strip())
            if choice is None:
                errors[key] = ["Pick one of the choices."]
                continue
            scored[key] = {"given": str(choice.pk), "correct": choice.is_correct}
        else:
            value = numeric_answer(raw)
            if value is None:
                errors[key] = [NOT_A_NUMBER]
                continue
            correct = abs(value - question.answer) <= question.tolerance
            scored[key] = {"given": str(value), "correct": correct}
    unknown = set(given) - {str(question.pk) for question in questions}
    if unknown:
        errors["answers"] = [f"Not questions of this quiz: {', '.join(sorted(unknown))}."]
    if errors:
        raise InvalidAnswers(fields=errors)
    correct = sum(1 for item in scored.values() if item["correct"])
    total = len(questions)
    passed = correct * 100 >= quiz.pass_percent * total
    attempt = QuizAttempt.objects.create(
        user=user, quiz=quiz, correct=correct, total=total, passed=passed, answers=scored
    )
    if passed:
        progress, _ = GuideProgress.objects.select_for_update().get_or_create(
            user=user, guide_id=quiz.guide_id
        )
        progress.read_at = progress.read_at or now
        progress.completed_at = progress.completed_at or now
        progress.save(update_fields=["read_at", "completed_at"])
    return attempt


# Loading the shipped course --------------------------------------------------------


@dataclass(slots=True)
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def summary(self) -> list[str]:
        """One line for seed_demo: how many rows were created, if any."""
        if not self.created:
            return []
        return [
            f"{len(self.created)} guides, chapters, glossary terms, quizzes and trading "
            "permission rules"
        ]

    @property
    def lines(self) -> list[str]:
        return (
            [f"Created {item}" for item in self.created]
            + [f"Updated {item}" for item in self.updated]
            + [f"Kept staff edits to {item}" for item in self.kept]
        )


def checksum(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _guide_content(guide: Guide) -> dict:
    return {
        "category": guide.category.slug,
        "title": guide.title,
        "summary": guide.summary,
        "body": guide.body,
        "order": guide.order,
    }


def _term_content(term: GlossaryTerm) -> dict:
    return {
        "term": term.term,
        "aliases": term.aliases,
        "short_definition": term.short_definition,
        "body": term.body,
    }


def _quiz_content(quiz: Quiz) -> dict:
    return {
        "title": quiz.title,
        "pass_percent": quiz.pass_percent,
        "questions": [
            {
                "kind": question.kind,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "answer": None if question.answer is None else str(question.answer.normalize()),
                "tolerance": (
                    None if question.tolerance is None else str(question.tolerance.normalize())
                ),
                "unit": question.unit,
                "choices": [[c.text, c.is_correct] for c in question.choices.order_by("order")],
            }
            for question in quiz.questions.order_by("order", "pk")
        ],
    }


def split_front_matter(text: str, *, name: str) -> tuple[dict, str]:
    """Split a guide file into its TOML front matter and its Markdown body."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER:
        raise InvalidContent(f"{name}: start with a +++ line and TOML front matter.")
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == FRONT_MATTER:
            try:
                meta = tomllib.loads("".join(lines[1:end]))
            except tomllib.TOMLDecodeError as error:
                raise InvalidContent(f"{name}: {error}") from error
            return meta, "".join(lines[end + 1 :]).strip() + "\n"
    raise InvalidContent(f"{name}: close the front matter with a +++ line.")


def load_course(content_dir: Path = CONTENT_DIR) -> dict:
    """Read and check the course files; raise ``InvalidContent`` on the first problem."""
    path = tomllib.loads((content_dir / "path.toml").read_text(encoding="utf-8"))
    glossary = tomllib.loads((content_dir / "glossary.toml").read_text(encoding="utf-8"))
    chapters = {chapter["slug"]: chapter for chapter in path["chapter"]}
    guides = []
    for file in sorted((content_dir / "guides").glob("*.md")):
        meta, body = split_front_matter(file.read_text(encoding="utf-8"), name=file.name)
        for key in ("slug", "title", "summary", "chapter", "order", "quiz"):
            if key not in meta:
                raise InvalidContent(f"{file.name}: the front matter needs {key}.")
        if meta["chapter"] not in chapters:
            raise InvalidContent(f"{file.name}: no chapter is called {meta['chapter']}.")
        _check_quiz(meta["quiz"], name=file.name)
        guides.append({**meta, "body": body, "file": file.name})
    permissions = tomllib.loads((content_dir / "permissions.toml").read_text(encoding="utf-8"))
    rules = permissions.get("rule", [])
    _check_rules(rules, guide_slugs={guide["slug"] for guide in guides})
    return {
        "chapters": path["chapter"],
        "terms": glossary["term"],
        "guides": guides,
        "rules": rules,
    }


def _check_rules(rules: list[dict], *, guide_slugs: set[str]) -> None:
    kinds = set()
    for number, rule in enumerate(rules, start=1):
        where = f"permissions.toml, rule {number}"
        kind = rule.get("instrument_kind")
        if kind not in Instrument.Kind.values:
            raise InvalidContent(f"{where}: instrument_kind is one of {Instrument.Kind.values}.")
        if kind in kinds:
            raise InvalidContent(f"{where}: {kind} has a rule already.")
        kinds.add(kind)
        for key in ("leverage_quiz", "sell_options_quiz"):
            if key in rule and rule[key] not in guide_slugs:
                raise InvalidContent(f"{where}: {key} names no guide ({rule[key]}).")
        if ("leverage_above" in rule) != ("leverage_quiz" in rule):
            raise InvalidContent(f"{where}: give leverage_above and leverage_quiz together.")
        if "leverage_above" in rule:
            try:
                level = Decimal(str(rule["leverage_above"]))
            except InvalidOperation:
                level = Decimal(0)
            if not level.is_finite() or level < 1:
                raise InvalidContent(f"{where}: leverage_above is a number of at least 1.")
        if "sell_options_quiz" in rule and kind != Instrument.Kind.OPTION:
            raise InvalidContent(f"{where}: only options have sell_options_quiz.")


def _check_quiz(quiz: dict, *, name: str) -> None:
    questions = quiz.get("questions") or []
    if not questions:
        raise InvalidContent(f"{name}: the quiz needs questions.")
    for number, question in enumerate(questions, start=1):
        where = f"{name}, question {number}"
        if question.get("kind") == Question.Kind.NUMERIC:
            if "answer" not in question or "tolerance" not in question:
                raise InvalidContent(f"{where}: a numeric question needs answer and tolerance.")
        elif question.get("kind") == Question.Kind.CHOICE:
            choices = question.get("choices") or []
            if len(choices) < 2 or not 0 <= question.get("correct", -1) < len(choices):
                raise InvalidContent(f"{where}: give choices and the index of the correct one.")
        else:
            raise InvalidContent(f"{where}: kind is choice or numeric.")
        if not question.get("explanation"):
            raise InvalidContent(f"{where}: explain the answer.")


def _quiz_from_file(quiz: dict) -> dict:
    return {
        "title": quiz["title"],
        "pass_percent": quiz.get("pass_percent", 70),
        "questions": [
            {
                "kind": question["kind"],
                "prompt": question["prompt"].strip(),
                "explanation": question["explanation"].strip(),
                "answer": (
                    str(Decimal(str(question["answer"])).normalize())
                    if question["kind"] == Question.Kind.NUMERIC
                    else None
                ),
                "tolerance": (
                    str(Decimal(str(question["tolerance"])).normalize())
                    if question["kind"] == Question.Kind.NUMERIC
                    else None
                ),
                "unit": question.get("unit", ""),
                "choices": [
                    [text, index == question.get("correct")]
                    for index, text in enumerate(question.get("choices", []))
                ],
            }
            for question in quiz["questions"]
        ],
    }


def _write_questions(quiz: Quiz, content: dict) -> None:
    quiz.questions.all().delete()
    for order, item in enumerate(content["questions"]):
        question = Question.objects.create(
            quiz=quiz,
            order=order,
            kind=item["kind"],
            prompt=item["prompt"],
            explanation=item["explanation"],
            answer=None if item["answer"] is None else Decimal(item["answer"]),
            tolerance=None if item["tolerance"] is None else Decimal(item["tolerance"]),
            unit=item["unit"],
        )
        Choice.objects.bulk_create(
            Choice(question=question, order=index, text=text, is_correct=is_correct)
            for index, (text, is_correct) in enumerate(item["choices"])
        )


@transaction.atomic
def guides_seed(*, content_dir: Path = CONTENT_DIR) -> SeedReport:
    """Load the shipped chapters, glossary, guides and quizzes; a second run changes nothing."""
    course = load_course(content_dir)
    report = SeedReport()
    # Fail loudly on a broken ticket rather than ship a guide that shows an error.
    for guide in course["guides"]:
        for match in TRYIT_BLOCK.finditer(guide["body"]):
            try:
                parse_tryit(match.group("inline") or match.group("body") or "")
            except TryItError as error:
                raise InvalidContent(f"{guide['file']}: a try-it block: {error}.") from error

    chapters = {}
    for chapter in course["chapters"]:
        category, created = GuideCategory.objects.get_or_create(
            slug=chapter["slug"],
            defaults={
                "name": chapter["name"],
                "description": chapter.get("description", ""),
                "order": chapter["order"],
            },
        )
        chapters[chapter["slug"]] = category
        if created:
            report.created.append(f"chapter {category.name}")

    for item in course["terms"]:
        content = {
            "term": item["term"],
            "aliases": ", ".join(item.get("aliases", [])),
            "short_definition": item["short"].strip(),
            "body": item.get("body", "").strip(),
        }
        _seed_row(
            GlossaryTerm,
            lookup={"slug": item["slug"]},
            content=content,
            current=_term_content,
            apply=lambda term, c: [setattr(term, k, v) for k, v in c.items()],
            label=f"glossary term {item['term']}",
            report=report,
        )

    for item in course["guides"]:
        content = {
            "category": item["chapter"],
            "title": item["title"],
            "summary": item["summary"].strip(),
            "body": item["body"],
            "order": item["order"],
        }

        def apply_guide(guide, c):
            guide.category = chapters[c["category"]]
            guide.title, guide.summary, guide.body = c["title"], c["summary"], c["body"]
            guide.order = c["order"]
            guide.reading_minutes = reading_minutes(c["body"])

        guide = _seed_row(
            Guide,
            lookup={"slug": item["slug"]},
            content=content,
            current=_guide_content,
            apply=apply_guide,
            label=f"guide {item['title']}",
            report=report,
            create_defaults={"is_published": True},
        )
        quiz_content = _quiz_from_file(item["quiz"])
        quiz = Quiz.objects.filter(guide=guide).first()
        label = f"quiz of {item['title']}"
        if quiz is None:
            quiz = Quiz.objects.create(
                guide=guide,
                title=quiz_content["title"],
                pass_percent=quiz_content["pass_percent"],
                seed_checksum=checksum(quiz_content),
            )
            _write_questions(quiz, quiz_content)
            report.created.append(label)
        elif quiz.seed_checksum != checksum(quiz_content):
            if checksum(_quiz_content(quiz)) != quiz.seed_checksum:
                report.kept.append(label)
                continue
            quiz.title = quiz_content["title"]
            quiz.pass_percent = quiz_content["pass_percent"]
            quiz.seed_checksum = checksum(quiz_content)
            quiz.save()
            _write_questions(quiz, quiz_content)
            report.updated.append(label)
    _seed_rules(course["rules"], report=report)
    return report


def _seed_rules(rules: list[dict], *, report: SeedReport) -> None:
    """Create the default rule of each instrument kind that has no rule yet."""
    existing = set(TradingPermissionRule.objects.values_list("instrument_kind", flat=True))
    for rule in rules:
        kind = rule["instrument_kind"]
        if kind in existing:
            continue
        quizzes = {
            key: Quiz.objects.get(guide__slug=rule[key])
            for key in ("leverage_quiz", "sell_options_quiz")
            if key in rule
        }
        TradingPermissionRule.objects.create(
            instrument_kind=kind,
            leverage_above=(
                Decimal(str(rule["leverage_above"])) if "leverage_above" in rule else None
            ),
            **quizzes,
        )
        report.created.append(f"trading permission rule for {Instrument.Kind(kind).label}")


def _seed_row(model, *, lookup, content, current, apply, label, report, create_defaults=None):
    """Create the row, update it if staff have not touched it, or keep their edits."""
    wanted = checksum(content)
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **(create_defaults or {}))
        apply(row, content)
        row.seed_checksum = wanted
        row.save()
        report.created.append(label)
        return row
    if row.seed_checksum == wanted:
        return row
    if checksum(current(row)) != row.seed_checksum:
        report.kept.append(label)
        return row
    apply(row, content)
    row.seed_checksum = wanted
    row.save()
    report.updated.append(label)
    return row
