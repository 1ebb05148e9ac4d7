"""Pages of the learning path: the path, a guide with its quiz, an attempt, the glossary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from config.errors import NotFound
from education import selectors, services
from education.forms import QuizForm
from education.services.guides import InvalidAnswers


def _guide_or_404(request, slug: str):
    try:
        return selectors.guide_get(slug=slug, include_unpublished=request.user.is_staff)
    except NotFound as error:
        raise Http404(error.message) from error


@require_safe
def guide_index(request):
    """Show the learning path, chapter by chapter, with the reader's progress."""
    context = {
        "chapters": selectors.learning_path(user=request.user),
        "summary": (
            selectors.progress_summary(user=request.user) if request.user.is_authenticated else None
        ),
    }
    return render(request, "education/guide_index.html", context)


def _guide_context(request, guide, *, form=None) -> dict:
    quiz = selectors.quiz_for_guide(guide=guide)
    steps = [
        step for chapter in selectors.learning_path(user=request.user) for step in chapter.steps
    ]
    index = next((i for i, step in enumerate(steps) if step.guide.pk == guide.pk), None)
    user = request.user
    attempts = (
        list(selectors.attempt_list(user=user, quiz=quiz)[:5])
        if quiz is not None and user.is_authenticated
        else []
    )
    context = {
        "guide": guide,
        "rendered": selectors.guide_render(guide=guide, user=user),
        "quiz": quiz,
        "form": form if form is not None else (QuizForm(quiz=quiz) if quiz else None),
        "progress": selectors.guide_progress_get(user=user, guide=guide),
        "attempts": attempts,
        "step": steps[index] if index is not None else None,
        "previous": steps[index - 1].guide if index else None,
        "next": steps[index + 1].guide if index is not None and index + 1 < len(steps) else None,
        "total_steps": len(steps),
        "not_advice": selectors.NOT_FINANCIAL_ADVICE,
    }
    # Shipped guides end with their own note; one staff wrote without it gets the standard one.
    context["show_disclaimer"] = "financial advice" not in " ".join(
        context["rendered"].html.split()
    )
    return context


@require_safe
def guide_detail(request, slug: str):
    """Show a guide, its try-it tickets and its quiz."""
    guide = _guide_or_404(request, slug)
    return render(request, "education/guide_detail.html", _guide_context(request, guide))


@require_POST
@login_required
def guide_mark_read(request, slug: str):
    """Mark the guide read and go on along the path."""
    guide = _guide_or_404(request, slug)
    services.guide_mark_read(user=request.user, guide=guide)
    messages.success(request, f"Marked \u201c{guide.title}\u201d as read.")
    return redirect("guide_detail", slug=guide.slug)


@require_POST
@login_required
def guide_quiz_submit(request, slug: str):
    """Score the quiz; wrong or missing answers come back as errors beside the questions."""
    guide = _guide_or_404(request, slug)
    quiz = selectors.quiz_for_guide(guide=guide)
    if quiz is None:
        raise Http404("This guide has no quiz.")
    form = QuizForm(request.POST, quiz=quiz)
    if form.is_valid():
        try:
            attempt = services.quiz_submit(user=request.user, quiz=quiz, answers=form.answers())
        except InvalidAnswers as error:
            form.add_service_error(error)
        else:
            return redirect("guide_attempt", slug=guide.slug, attempt_id=attempt.pk)
    context = _guide_context(request, guide, form=form)
    return render(request, "education/guide_detail.html", context, status=400)


@require_safe
@login_required
def guide_attempt(request, slug: str, attempt_id: int):
    """Show one of the reader's own attempts: the score and every question explained."""
    try:
        attempt = selectors.attempt_get(user=request.user, attempt_id=attempt_id)
    except NotFound as error:
        raise Http404(error.message) from error
    guide = attempt.quiz.guide
    if guide.slug != slug:
        return redirect("guide_attempt", slug=guide.slug, attempt_id=attempt.pk)
    quiz = selectors.quiz_for_guide(guide=guide)
    results = []
    for number, question in enumerate(quiz.questions.all(), start=1):
        answer = attempt.answers.get(str(question.pk), {})
        choices = {str(choice.pk): choice for choice in question.choices.all()}
        given = answer.get("given")
        results.append(
            {
                "number": number,
                "question": question,
                "correct": answer.get("correct", False),
                "given": choices[given].text if given in choices else given,
                "right_answer": (
                    next((c.text for c in question.choices.all() if c.is_correct), "")
                    if question.kind == question.Kind.CHOICE
                    else question.answer
                ),
            }
        )
    steps = [
        step for chapter in selectors.learning_path(user=request.user) for step in chapter.steps
    ]
    index = next((i for i, step in enumerate(steps) if step.guide.pk == guide.pk), None)
    context = {
        "guide": guide,
        "attempt": attempt,
        "results": results,
        "next": steps[index + 1].guide if index is not None and index + 1 < len(steps) else None,
    }
    return render(request, "education/guide_attempt.html", context)


@require_safe
def glossary(request):
    """Every glossary term, with its longer explanation."""
    return render(request, "education/glossary.html", {"terms": selectors.glossary_term_list()})
