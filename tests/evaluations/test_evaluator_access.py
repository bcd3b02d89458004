"""What an evaluator reads: only the units assigned to him, and of them only what
the evaluation needs (the unit's page, its services and standards, its evaluation
pages and evidence, its published SKM results); read-only once the result is final.
Also: forms answer 404 to the roles that may not submit them, GET like POST."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutu.evaluations.models import Assignment, Evidence, FieldVisit
from mutu.evaluations.services import evaluators_assign
from mutu.registry.models import Service, ServiceStandard
from mutu.surveys.models import ImportJob, Publication
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.evaluations.conftest import PDF_BYTES
from tests.registry import factories


@pytest.fixture
def dukcapil_data(world):
    """What Dukcapil's staff keep: a counter, a citizen's comment, a paper import."""
    point = factories.point(world.dukcapil, "dukcapil-1")
    response_submit(
        unit=world.dukcapil,
        service=world.ktp,
        point=point,
        channel="web",
        answers={"U1": 4},
        comment="Antrean terlalu panjang, petugas ramah.",
    )
    job = ImportJob.objects.create(
        unit=world.dukcapil,
        uploaded_by=world.operator,
        original_name="skm-juli.xlsx",
        file_sha256="0" * 64,
    )
    return {"point": point, "job": job}


def _working_pages(world, data) -> list[str]:
    """The unit's working pages, which only its staff open (issue 9, hole 1)."""
    unit = world.dukcapil.pk
    return [
        reverse("surveys:unit_results", args=[unit]),
        reverse("surveys:unit_results", args=[unit]) + "?periode=2025-Q3",
        reverse("paper:upload", args=[unit]),
        reverse("paper:template", args=[unit]),
        reverse("paper:job", args=[unit, data["job"].pk]),
        reverse("reports:unit_posters", args=[unit]),
        reverse("reports:point_poster", args=[unit, data["point"].code]),
        reverse("surveys:settings", args=[unit]),
        reverse("surveys:flagged", args=[unit]),
        reverse("registry:service_create", args=[unit]),
        reverse("registry:service_edit", args=[unit, world.ktp.pk]),
        reverse("registry:standard_edit", args=[unit, world.ktp.pk]),
    ]


def test_evaluator_of_another_unit_reads_nothing_of_this_one(
    client, world, assignment, other_evaluator, dukcapil_data
):
    """The tester's case: an evaluator assigned only to Dinas Sosial gets 404 on
    every Dukcapil page, its unit page, services and evaluation included."""
    dinsos = assignment.cycle.assignments.get(unit=world.dinsos)
    evaluators_assign(
        actor=world.admin, assignment=dinsos, evaluators=[other_evaluator]
    )
    login(client, other_evaluator)
    pages = [
        *_working_pages(world, dukcapil_data),
        reverse("registry:unit_detail", args=[world.dukcapil.pk]),
        reverse("registry:service_detail", args=[world.dukcapil.pk, world.ktp.pk]),
        reverse("evaluations:assignment", args=[assignment.pk]),
    ]
    assert {page: client.get(page).status_code for page in pages} == dict.fromkeys(
        pages, 404
    )
    # and he does read his own unit's page
    own = reverse("registry:unit_detail", args=[world.dinsos.pk])
    assert client.get(own).status_code == 200


def test_assigned_evaluator_reads_what_the_evaluation_needs(
    client, world, assignment, dukcapil_data
):
    """The unit's page, its service standards and the published results, without
    links to its working pages; the dashboard lists only the assigned unit."""
    Publication.objects.create(
        unit=world.dukcapil, period_key="2025-Q2", published_at=date(2025, 7, 5)
    )
    login(client, world.evaluator)
    unit_page = client.get(reverse("registry:unit_detail", args=[world.dukcapil.pk]))
    service_page = client.get(
        reverse("registry:service_detail", args=[world.dukcapil.pk, world.ktp.pk])
    )
    public = client.get(reverse("surveys:public_unit", args=[world.dukcapil.pk]))
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()

    assert unit_page.status_code == service_page.status_code == public.status_code
    assert unit_page.status_code == 200
    body = unit_page.content.decode()
    assert reverse("surveys:public_unit", args=[world.dukcapil.pk]) in body
    assert reverse("surveys:unit_results", args=[world.dukcapil.pk]) not in body
    assert reverse("reports:unit_posters", args=[world.dukcapil.pk]) not in body
    assert reverse("registry:service_create", args=[world.dukcapil.pk]) not in body
    assert "Standar pelayanan" in service_page.content.decode()
    assert "Ubah standar" not in service_page.content.decode()
    assert "Dukcapil Pesawaran" in dashboard
    assert "Dinas Sosial Pesawaran" not in dashboard
    assert "Dukcapil Bandung" not in dashboard


def test_assigned_evaluator_gets_404_on_the_units_working_pages(
    client, world, assignment, dukcapil_data
):
    """Unpublished results and comments, paper imports, posters, settings, the
    flagged list and every edit form answer 404 to the unit's own evaluator."""
    login(client, world.evaluator)
    pages = _working_pages(world, dukcapil_data)
    statuses = {page: client.get(page).status_code for page in pages}
    assert statuses == dict.fromkeys(pages, 404)


def test_evaluator_edit_posts_are_404_and_change_nothing(client, world, assignment):
    """The forms an evaluator cannot submit refuse his POST like his GET."""
    login(client, world.evaluator)
    unit = world.dukcapil.pk
    posts = {
        reverse("registry:standard_edit", args=[unit, world.ktp.pk]): {
            "fee": "Rp 10.000"
        },
        reverse("registry:service_edit", args=[unit, world.ktp.pk]): {
            "name": "Diganti",
            "is_active": "on",
        },
        reverse("registry:service_create", args=[unit]): {
            "name": "Layanan Baru",
            "is_active": "on",
        },
        reverse("surveys:settings", args=[unit]): {"period_kind": "month"},
        reverse("surveys:publish", args=[unit, "2025-Q2"]): {
            "published_at": "2025-07-05",
            "publication_media": "Situs web",
        },
    }
    statuses = {url: client.post(url, data).status_code for url, data in posts.items()}
    assert statuses == dict.fromkeys(posts, 404)
    assert ServiceStandard.objects.get(service=world.ktp).fee == ""
    assert Service.objects.get(pk=world.ktp.pk).name == "Penerbitan KTP-el"
    assert not Service.objects.filter(name="Layanan Baru").exists()
    assert not Publication.objects.exists()


def test_assigned_evaluator_reads_evidence_and_is_read_only_after_final(
    client, world, assignment, tmp_path, settings
):
    """The evaluator downloads the unit's evidence; once the result is final his
    page shows no form and a field visit is refused, nothing stored."""
    settings.MEDIA_ROOT = tmp_path
    login(client, world.operator)
    client.post(
        reverse("evaluations:evidence", args=[assignment.pk, "Q1"]),
        {"description": "SK", "file": SimpleUploadedFile("sk.pdf", PDF_BYTES)},
    )
    evidence = Evidence.objects.get()
    Assignment.objects.filter(pk=assignment.pk).update(stage=Assignment.Stage.FINALIZED)

    login(client, world.evaluator)
    download = client.get(reverse("evaluations:evidence_file", args=[evidence.pk]))
    page = client.get(reverse("evaluations:assignment", args=[assignment.pk]))
    visit = client.post(
        reverse("evaluations:visit", args=[assignment.pk]),
        {"visited_on": "2025-08-01", "note": "Loket rapi."},
        follow=True,
    )

    assert download.status_code == 200
    # read to the end: the test client then closes it (a close() of our own would
    # drop the database connection on PostgreSQL)
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert page.status_code == 200
    assert f'action="/evaluasi/{assignment.pk}/' not in page.content.decode()
    # the unit's page (its service standards) is one click away
    assert reverse("registry:unit_detail", args=[world.dukcapil.pk]) in (
        page.content.decode()
    )
    assert "sudah final" in visit.content.decode()
    assert not FieldVisit.objects.exists()


@pytest.mark.parametrize(
    ("who", "route", "data"),
    [
        ("evaluator", "evaluations:self_answer", {"level": 5}),
        ("evaluator", "evaluations:finalize", {}),
        ("operator", "evaluations:score", {"score": 1, "note": "x"}),
        ("operator", "evaluations:visit", {"visited_on": "2025-08-01", "note": "x"}),
        ("coordinator", "evaluations:self_answer", {"level": 5}),
        ("head", "evaluations:revise", {"indicator": "Q1", "score": 1, "reason": "x"}),
    ],
)
def test_evaluation_posts_of_the_other_side_are_404(
    client, world, assignment, who, route, data
):
    """A role sees the assignment but may not act for another side: 404, no write."""
    login(client, getattr(world, who))
    args = (
        [assignment.pk, "Q1"]
        if route.endswith(("answer", "score"))
        else [assignment.pk]
    )
    before = list(assignment.answers.values_list("self_level", "score"))
    assert client.post(reverse(route, args=args), data).status_code == 404
    assignment.refresh_from_db()
    assert assignment.stage == Assignment.Stage.DRAFT
    assert list(assignment.answers.values_list("self_level", "score")) == before
    assert not FieldVisit.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("operator", 404),
        ("head", 404),
        ("evaluator", 404),
        ("stranger", 404),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_cycle_form_only_for_those_who_may_open_one(client, world, who, status):
    """``/evaluasi/siklus/baru/`` answers its GET like its POST; the index links it
    only for national admins and coordinators."""
    login(client, getattr(world, who))
    url = reverse("evaluations:cycle_create")
    assert client.get(url).status_code == status
    if status == 404:
        assert client.post(url, {"name": "X"}).status_code == 404
    index = client.get(reverse("evaluations:index")).content.decode()
    assert (url in index) is (status == 200)
