from django.urls import path

from education.views import guides, scenarios

urlpatterns = [
    path("guides/", guides.guide_index, name="guide_index"),
    path("guides/glossary/", guides.glossary, name="guide_glossary"),
    path("guides/compare/", scenarios.compare, name="compare"),
    path("scenarios/", scenarios.scenario_index, name="scenario_index"),
    path("scenarios/runs/<int:run_id>/", scenarios.scenario_run, name="scenario_run"),
    path("scenarios/runs/<int:run_id>/result/", scenarios.scenario_result, name="scenario_result"),
    path("scenarios/<slug:slug>/", scenarios.scenario_detail, name="scenario_detail"),
    path("scenarios/<slug:slug>/start/", scenarios.scenario_start, name="scenario_start"),
    path("guides/<slug:slug>/", guides.guide_detail, name="guide_detail"),
    path("guides/<slug:slug>/read/", guides.guide_mark_read, name="guide_mark_read"),
    path("guides/<slug:slug>/quiz/", guides.guide_quiz_submit, name="guide_quiz_submit"),
    path(
        "guides/<slug:slug>/attempts/<int:attempt_id>/",
        guides.guide_attempt,
        name="guide_attempt",
    ),
]
