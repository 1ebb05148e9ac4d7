from django.urls import path

from education.api import comparison, guides, scenarios

urlpatterns = [
    path("guides", guides.GuideListApi.as_view(), name="api-guide-list"),
    path("guides/<slug:slug>", guides.GuideDetailApi.as_view(), name="api-guide-detail"),
    path("guides/<slug:slug>/read", guides.GuideReadApi.as_view(), name="api-guide-read"),
    path("guides/<slug:slug>/quiz", guides.QuizDetailApi.as_view(), name="api-guide-quiz"),
    path(
        "guides/<slug:slug>/quiz/attempts",
        guides.QuizAttemptApi.as_view(),
        name="api-guide-quiz-attempts",
    ),
    path("glossary", guides.GlossaryListApi.as_view(), name="api-glossary"),
    path("progress", guides.ProgressApi.as_view(), name="api-progress"),
    path("compare", comparison.ComparisonApi.as_view(), name="api-compare"),
    path("scenarios", scenarios.ScenarioListApi.as_view(), name="api-scenarios"),
    path(
        "scenarios/<slug:slug>", scenarios.ScenarioDetailApi.as_view(), name="api-scenario-detail"
    ),
    path(
        "scenarios/<slug:slug>/runs",
        scenarios.ScenarioRunStartApi.as_view(),
        name="api-scenario-start",
    ),
    path("scenario-runs", scenarios.ScenarioRunCollectionApi.as_view(), name="api-scenario-runs"),
    path(
        "scenario-runs/<int:run_id>",
        scenarios.ScenarioRunDetailApi.as_view(),
        name="api-scenario-run",
    ),
    path(
        "scenario-runs/<int:run_id>/pause",
        scenarios.ScenarioRunPauseApi.as_view(),
        name="api-scenario-run-pause",
    ),
    path(
        "scenario-runs/<int:run_id>/resume",
        scenarios.ScenarioRunResumeApi.as_view(),
        name="api-scenario-run-resume",
    ),
    path(
        "scenario-runs/<int:run_id>/speed",
        scenarios.ScenarioRunSpeedApi.as_view(),
        name="api-scenario-run-speed",
    ),
    path(
        "scenario-runs/<int:run_id>/end",
        scenarios.ScenarioRunEndApi.as_view(),
        name="api-scenario-run-end",
    ),
    path(
        "scenario-runs/<int:run_id>/result",
        scenarios.ScenarioRunResultApi.as_view(),
        name="api-scenario-run-result",
    ),
    path(
        "scenario-runs/<int:run_id>/orders",
        scenarios.ScenarioOrderPlaceApi.as_view(),
        name="api-scenario-run-orders",
    ),
    path(
        "scenario-runs/<int:run_id>/orders/<int:order_id>",
        scenarios.ScenarioOrderCancelApi.as_view(),
        name="api-scenario-run-order",
    ),
    path(
        "scenario-runs/<int:run_id>/positions/<str:kind>/close",
        scenarios.ScenarioPositionCloseApi.as_view(),
        name="api-scenario-run-position-close",
    ),
]
