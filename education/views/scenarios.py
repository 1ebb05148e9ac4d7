"""Pages of the historical scenarios and the side-by-side comparison of ways to short."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from config.errors import DomainError, NotFound
from education.api.comparison import ComparisonFilterSerializer, ComparisonOutputSerializer
from education.api.scenarios import RunStateOutputSerializer
from education.models import ScenarioRun
from education.selectors import comparison as comparison_selectors
from education.selectors import scenarios as selectors
from education.services import scenarios as services


def _scenario_or_404(slug: str):
    try:
        return selectors.scenario_get(slug=slug)
    except NotFound as error:
        raise Http404(error.message) from error


def _run_or_404(request, run_id: int) -> ScenarioRun:
    try:
        return selectors.run_get(user=request.user, run_id=run_id)
    except NotFound as error:
        raise Http404(error.message) from error


@require_safe
def scenario_index(request):
    """List the scenarios, and the reader's own runs."""
    runs = selectors.run_list(user=request.user) if request.user.is_authenticated else []
    context = {"scenarios": selectors.scenario_list(), "runs": runs}
    return render(request, "education/scenario_index.html", context)


@require_safe
def scenario_detail(request, slug: str):
    """Describe a scenario and offer to start a run of it."""
    scenario = _scenario_or_404(slug)
    bars = selectors.scenario_bars(scenario=scenario)
    context = {
        "scenario": scenario,
        "speeds": selectors.speeds_for(scenario.interval),
        "first": bars[0] if bars else None,
        "last": bars[-1] if bars else None,
        "high": max((bar.high for bar in bars), default=None),
        "low": min((bar.low for bar in bars), default=None),
        "credit": selectors.scenario_credit(scenario=scenario),
        "bar_count": len(bars),
    }
    return render(request, "education/scenario_detail.html", context)


@login_required
@require_POST
def scenario_start(request, slug: str):
    """Start a run in a new scenario account and open its page."""
    scenario = _scenario_or_404(slug)
    try:
        speed = int(request.POST.get("speed") or scenario.default_speed)
        run = services.scenario_run_start(user=request.user, scenario=scenario, speed=speed)
    except ValueError:
        messages.error(request, "Pick a speed from the list.")
        return redirect("scenario_detail", slug=slug)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("scenario_detail", slug=slug)
    return redirect("scenario_run", run_id=run.pk)


@login_required
@require_safe
def scenario_run(request, run_id: int):
    """The run: the replayed chart, the controls, the ticket, the account; the page polls."""
    run = _run_or_404(request, run_id)
    if run.status == ScenarioRun.Status.FINISHED:
        return redirect("scenario_result", run_id=run.pk)
    state = selectors.run_state(run=run)
    context = {
        "run": run,
        "state": state,
        "state_json": RunStateOutputSerializer(state).data,
        "kinds": selectors.SCENARIO_KINDS,
    }
    return render(request, "education/scenario_run.html", context)


@login_required
@require_safe
def scenario_result(request, run_id: int):
    """What the run made against buy-and-hold and a perfectly timed short."""
    run = _run_or_404(request, run_id)
    if run.status != ScenarioRun.Status.FINISHED:
        return redirect("scenario_run", run_id=run.pk)
    result = selectors.run_result(run=run)
    return render(request, "education/scenario_result.html", {"run": run, "result": result})


@require_safe
def compare(request):
    """The same bearish view as a margin short, a perpetual, a put and a CFD, leg by leg."""
    given = {**comparison_selectors.comparison_defaults(), **request.GET.dict()}
    if "notional" in request.GET:
        given.pop("quantity", None)
    filters = ComparisonFilterSerializer(data=given)
    errors = None
    if not filters.is_valid():
        errors = filters.errors
        filters = ComparisonFilterSerializer(data=comparison_selectors.comparison_defaults())
        filters.is_valid(raise_exception=True)
    result = comparison_selectors.comparison_get(**filters.validated_data)
    context = {
        "result": result,
        "result_json": ComparisonOutputSerializer(result).data,
        "inputs": filters.validated_data,
        "errors": errors,
    }
    return render(request, "education/compare.html", context)
