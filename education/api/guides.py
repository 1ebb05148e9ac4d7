"""The course over the API: guides, the glossary, quizzes and your progress.

Guides, the glossary and quiz questions are public; answering a quiz, marking a
guide read and reading progress need a signed-in user and only ever see their own.
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.api.pagination import DefaultPagination
from config.api.schema import ERROR_RESPONSES, ErrorSerializer
from config.errors import NotFound
from education import selectors, services
from education.api.serializers import (
    GlossaryTermOutputSerializer,
    GuideDetailOutputSerializer,
    GuideOutputSerializer,
    ProgressOutputSerializer,
    QuizAnswersInputSerializer,
    QuizAttemptOutputSerializer,
    QuizOutputSerializer,
    ReadOutputSerializer,
)

SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The guide's slug, such as what-is-shorting."
)
PUBLIC_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Credentials were sent and are not valid."),
    429: ERROR_RESPONSES[429],
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No published guide has this slug.")}


class PublicApi(APIView):
    """A read anyone may make."""

    permission_classes = [AllowAny]
    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES


def _steps_by_guide(user) -> dict:
    return {
        step.guide.pk: step
        for chapter in selectors.learning_path(user=user)
        for step in chapter.steps
    }


def _guide_data(guide, step, *, signed_in: bool) -> dict:
    return {
        "slug": guide.slug,
        "title": guide.title,
        "summary": guide.summary,
        "category": guide.category,
        "position": step.number if step else 0,
        "reading_minutes": guide.reading_minutes,
        "has_quiz": hasattr(guide, "quiz"),
        "url": reverse("guide_detail", args=[guide.slug]),
        "progress": (
            {"read": step.read, "completed": step.completed, "best_percent": step.best_percent}
            if signed_in and step
            else None
        ),
    }


def _user(request):
    return request.user if request.user and request.user.is_authenticated else None


class GuideListApi(PublicApi):
    pagination_class = DefaultPagination

    @extend_schema(
        operation_id="guides_list",
        summary="List the guides in learning-path order",
        responses={
            200: GuideOutputSerializer(many=True),
            400: ERROR_RESPONSES[400],
            **PUBLIC_ERRORS,
        },
        tags=["education"],
    )
    def get(self, request):
        user = _user(request)
        steps = _steps_by_guide(user)
        guides = [
            _guide_data(step.guide, step, signed_in=user is not None) for step in steps.values()
        ]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(guides, request, view=self)
        return paginator.get_paginated_response(GuideOutputSerializer(page, many=True).data)


class GuideDetailApi(PublicApi):
    @extend_schema(
        operation_id="guides_retrieve",
        summary="Read a guide: its Markdown and its rendered HTML",
        parameters=[SLUG],
        responses={200: GuideDetailOutputSerializer, **PUBLIC_ERRORS, **NOT_FOUND},
        tags=["education"],
    )
    def get(self, request, slug: str):
        user = _user(request)
        guide = selectors.guide_get(slug=slug)
        step = _steps_by_guide(user).get(guide.pk)
        rendered = selectors.guide_render(guide=guide, user=user)
        quiz = selectors.quiz_for_guide(guide=guide)
        data = {
            **_guide_data(guide, step, signed_in=user is not None),
            "markdown": guide.body,
            "html": rendered.html,
            "tryits": [
                {
                    "instrument": t.instrument,
                    "side": t.side,
                    "type": t.type,
                    "quantity": t.quantity,
                    "price": t.price,
                    "stop_loss_pct": t.stop_loss_pct,
                    "take_profit_pct": t.take_profit_pct,
                    "label": t.label,
                }
                for t in rendered.tryits
            ],
            "glossary_terms": rendered.linked_terms,
            "quiz": (
                {
                    "title": quiz.title,
                    "pass_percent": quiz.pass_percent,
                    "question_count": len(quiz.questions.all()),
                }
                if quiz
                else None
            ),
            "disclaimer": selectors.NOT_FINANCIAL_ADVICE,
        }
        return Response(GuideDetailOutputSerializer(data).data)


class GlossaryListApi(PublicApi):
    pagination_class = DefaultPagination

    @extend_schema(
        operation_id="glossary_list",
        summary="List the glossary's terms",
        responses={
            200: GlossaryTermOutputSerializer(many=True),
            400: ERROR_RESPONSES[400],
            **PUBLIC_ERRORS,
        },
        tags=["education"],
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.glossary_term_list(), request, view=self)
        return paginator.get_paginated_response(GlossaryTermOutputSerializer(page, many=True).data)


def _quiz_or_404(slug: str):
    guide = selectors.guide_get(slug=slug)
    quiz = selectors.quiz_for_guide(guide=guide)
    if quiz is None:
        raise NotFound("This guide has no quiz.")
    return quiz


class QuizDetailApi(PublicApi):
    @extend_schema(
        operation_id="guides_quiz_retrieve",
        summary="Read a guide's quiz questions (without the answers)",
        parameters=[SLUG],
        responses={200: QuizOutputSerializer, **PUBLIC_ERRORS, **NOT_FOUND},
        tags=["education"],
    )
    def get(self, request, slug: str):
        return Response(QuizOutputSerializer(_quiz_or_404(slug)).data)


def _attempt_data(attempt, quiz) -> dict:
    results = []
    for question in quiz.questions.all():
        scored = attempt.answers.get(str(question.pk), {})
        if question.kind == question.Kind.CHOICE:
            right = next((str(c.pk) for c in question.choices.all() if c.is_correct), "")
        else:
            right = f"{question.answer.normalize():f}"
        results.append(
            {
                "question": question.pk,
                "given": scored.get("given", ""),
                "correct": scored.get("correct", False),
                "answer": right,
                "explanation": question.explanation,
            }
        )
    return {
        "id": attempt.pk,
        "guide": quiz.guide.slug,
        "correct": attempt.correct,
        "total": attempt.total,
        "percent": attempt.percent,
        "passed": attempt.passed,
        "created_at": attempt.created_at,
        "results": results,
    }


class QuizAttemptApi(APIView):
    @extend_schema(
        operation_id="guides_quiz_attempts_list",
        summary="List your attempts at a guide's quiz, newest first",
        parameters=[SLUG],
        responses={200: QuizAttemptOutputSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND},
        tags=["education"],
    )
    def get(self, request, slug: str):
        quiz = _quiz_or_404(slug)
        attempts = selectors.attempt_list(user=request.user, quiz=quiz)[:50]
        data = [_attempt_data(attempt, quiz) for attempt in attempts]
        return Response(QuizAttemptOutputSerializer(data, many=True).data)

    @extend_schema(
        operation_id="guides_quiz_attempts_create",
        summary="Answer a guide's quiz and get it scored, with explanations",
        description="Answer every question: a choice's id, or a number for a numeric "
        "question (within its tolerance counts as right). A passed quiz completes the guide.",
        parameters=[SLUG],
        request=QuizAnswersInputSerializer,
        responses={201: QuizAttemptOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND},
        tags=["education"],
    )
    def post(self, request, slug: str):
        quiz = _quiz_or_404(slug)
        body = QuizAnswersInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attempt = services.quiz_submit(
            user=request.user, quiz=quiz, answers=body.validated_data["answers"]
        )
        return Response(
            QuizAttemptOutputSerializer(_attempt_data(attempt, quiz)).data,
            status=status.HTTP_201_CREATED,
        )


class GuideReadApi(APIView):
    @extend_schema(
        operation_id="guides_read",
        summary="Mark a guide as read",
        parameters=[SLUG],
        request=None,
        responses={200: ReadOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND},
        tags=["education"],
    )
    def post(self, request, slug: str):
        guide = selectors.guide_get(slug=slug)
        progress = services.guide_mark_read(user=request.user, guide=guide)
        data = {
            "guide": guide.slug,
            "read_at": progress.read_at,
            "completed_at": progress.completed_at,
        }
        return Response(ReadOutputSerializer(data).data)


class ProgressApi(APIView):
    @extend_schema(
        operation_id="progress_retrieve",
        summary="Your progress along the learning path",
        responses={200: ProgressOutputSerializer, **ERROR_RESPONSES},
        tags=["education"],
    )
    def get(self, request):
        summary = selectors.progress_summary(user=request.user)
        steps = _steps_by_guide(request.user)
        data = {
            "total": summary.total,
            "read": summary.read,
            "completed": summary.completed,
            "percent": summary.percent,
            "next_guide": summary.next_guide.slug if summary.next_guide else None,
            "guides": [_guide_data(s.guide, s, signed_in=True) for s in steps.values()],
        }
        return Response(ProgressOutputSerializer(data).data)
