"""Every evaluation page can be reached by a link (issue 10, item 4): the published
cycles and their certificates from /hasil/, the unit's certificate from its
evaluation page, and the cycle page for the evaluator who works in it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.evaluations.models import Certificate, Cycle, Result
from tests.accounts.login import login


def _certify(world, assignment, number: str) -> Certificate:
    """A final A result of *assignment* with its certificate (as the results
    service leaves them)."""
    result = Result.objects.create(
        assignment=assignment,
        aspects={},
        evaluator_index=Decimal("4.6"),
        index=Decimal("4.6"),
        index_display=Decimal("92.00"),
        predicate="A",
        predicate_label="Pelayanan Prima",
        basis="F-02",
        finalized_by=world.admin,
        finalized_at=timezone.now(),
    )
    return Certificate.objects.create(
        result=result,
        number=number,
        unit_name=assignment.unit.name,
        head_name="Kepala Dinas",
        head_title="Kepala",
        predicate="A",
        predicate_label="Pelayanan Prima",
        cycle_name=assignment.cycle.name,
    )


def _publish(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(
        status=Cycle.Status.PUBLISHED, published_at=timezone.now()
    )


def _follow(client, page: str, href: str) -> int:
    """The page links to *href*, and the link answers 200 to the same client."""
    assert f'href="{href}"' in page, href
    return client.get(href).status_code


def test_public_results_list_published_cycles_and_their_certificates(
    client, world, assignment
):
    """/hasil/ links each published cycle's ranking and its certificates' pages;
    an unpublished cycle and its certificate are not listed."""
    certificate = _certify(world, assignment, "PIAGAM/2025/1")
    page = client.get(reverse("public_results")).content.decode()
    assert assignment.cycle.name not in page
    assert certificate.verification_code not in page

    _publish(assignment.cycle)
    page = client.get(reverse("public_results")).content.decode()

    cycle_url = reverse("evaluations:public_cycle", args=[assignment.cycle.pk])
    verify_url = reverse("evaluations:verify", args=[certificate.verification_code])
    assert _follow(client, page, cycle_url) == 200
    assert _follow(client, page, verify_url) == 200
    assert "Dukcapil Pesawaran" in page


def test_public_results_queries_do_not_grow_with_cycles(
    client, world, assignment, django_assert_max_num_queries
):
    """Two queries for the cycles and certificates, whatever their number."""
    _certify(world, assignment, "PIAGAM/2025/1")
    _publish(assignment.cycle)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("public_results")).status_code == 200


def test_unit_head_finds_the_units_certificate_on_its_evaluation_page(
    client, world, assignment
):
    """Once a certificate is issued, the evaluation page links its PDF and its
    verification page; before, neither."""
    url = reverse("evaluations:assignment", args=[assignment.pk])
    client.force_login(world.head)
    assert "Unduh piagam" not in client.get(url).content.decode()

    certificate = _certify(world, assignment, "PIAGAM/2025/7")
    page = client.get(url).content.decode()

    code = certificate.verification_code
    pdf = client.get(reverse("evaluations:certificate_pdf", args=[code]))
    assert f'href="{reverse("evaluations:certificate_pdf", args=[code])}"' in page
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert _follow(client, page, reverse("evaluations:verify", args=[code])) == 200
    assert "PIAGAM/2025/7" in page


def test_evaluator_opens_the_cycle_he_is_assigned_in(client, world, assignment):
    """The evaluator sees the cycle read-only with his own assignment, linked; the
    other unit of the cycle, the evaluator picker and the managers' forms are not
    there."""
    login(client, world.evaluator)
    response = client.get(reverse("evaluations:cycle", args=[assignment.cycle.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    mine = reverse("evaluations:assignment", args=[assignment.pk])
    assert _follow(client, page, mine) == 200
    assert "Dukcapil Pesawaran" in page
    assert "Dinas Sosial Pesawaran" not in page
    cycle_id = assignment.cycle.pk
    for action in ("cycle_deadlines", "cycle_publish", "certificates"):
        assert reverse(f"evaluations:{action}", args=[cycle_id]) not in page
    assert 'name="evaluators"' not in page


def test_evaluator_index_links_the_cycle_of_his_assignment(client, world, assignment):
    """From the evaluation index he reaches the cycle page (no longer a 404)."""
    login(client, world.evaluator)
    page = client.get(reverse("evaluations:index")).content.decode()
    cycle_url = reverse("evaluations:cycle", args=[assignment.cycle.pk])
    assert _follow(client, page, cycle_url) == 200


@pytest.mark.parametrize("who", ["other_evaluator", "operator"])
def test_cycle_page_is_404_without_an_assignment_in_it(
    client, world, assignment, other_evaluator, who
):
    """An evaluator with no assignment in the cycle, or a unit's operator, get 404."""
    user = other_evaluator if who == "other_evaluator" else world.operator
    login(client, user)
    url = reverse("evaluations:cycle", args=[assignment.cycle.pk])
    assert client.get(url).status_code == 404
