"""Evaluation results in the page's language."""

from django import template
from django.utils.translation import get_language

from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Result
from mutu.measures.evaluation import index_basis

register = template.Library()


@register.filter
def result_basis(result: Result) -> str:
    """How *result*'s IPP was formed (D6): the Indonesian text stored when it was
    finalized, or in English the same sentence rebuilt from the cycle's instrument,
    the number of F-03 respondents and whether their index was used."""
    if not (get_language() or "id").startswith("en"):
        return result.basis
    combination = cycle_instrument(result.assignment.cycle).combination
    if combination is None:  # not a PEKPPP instrument: it could not have a result
        return result.basis
    return index_basis(
        combination,
        respondents=result.user_respondents,
        used=result.user_index_used,
    )[1]
