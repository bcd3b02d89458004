"""Public pages that belong to no single app: the home page and the results index."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def public_results(request: HttpRequest) -> HttpResponse:
    """The index of published results. Nothing is published until surveys land."""
    return render(request, "public_results.html", {"published": []})
