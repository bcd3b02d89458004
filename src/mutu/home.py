"""Public pages that belong to no single app: the home page and the results index."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mutu.dbrouting import replica_reads
from mutu.evaluations.selectors import published_cycle_list
from mutu.surveys.selectors import published_unit_list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
@replica_reads
def public_results(request: HttpRequest) -> HttpResponse:
    """The index of published results: units with published SKM periods, published
    evaluation cycles (their public ranking) and the certificates they awarded."""
    return render(
        request,
        "public_results.html",
        {"published": published_unit_list(), "cycles": published_cycle_list()},
    )
