"""Evaluation pages. Thin: parse, check access through selectors, call one service."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import has_role, scope_queryset
from mutu.dbrouting import replica_reads
from mutu.errors import MutuError
from mutu.evaluations import selectors, services
from mutu.evaluations.certificates import certificate_pdf
from mutu.evaluations.evidence import EXTENSIONS
from mutu.evaluations.forms import (
    CycleForm,
    DeadlinesForm,
    EvidenceForm,
    F03Form,
    InstrumentRetireForm,
    InstrumentUploadForm,
    ReviseForm,
    ScoreForm,
    SelfAnswerForm,
    SigningForm,
    VisitForm,
)
from mutu.evaluations.instruments import cycle_instrument, instrument_catalogue
from mutu.evaluations.models import (
    Assignment,
    Certificate,
    Cycle,
    Evidence,
    InstrumentVersion,
)
from mutu.measures.instrument import DEFAULT_PEKPPP_INSTRUMENT
from mutu.ratelimit import rate_limited
from mutu.registry.models import Region, ServiceUnit
from mutu.reports.charts import aspect_bars_svg

F03_SALT = "mutu.evaluations.f03"


def _page(assignment: Assignment) -> str:
    return reverse("evaluations:assignment", args=[assignment.pk])


def _run(request: HttpRequest, action: Callable[[], Any], back: str) -> HttpResponse:
    """Call a service; show its refusal as a message (400) or its success (redirect)."""
    try:
        action()
    except MutuError as error:
        messages.error(request, error.message_for(get_language()))
        response = redirect(back)
        response.status_code = 303
        return response
    messages.success(request, _("Tersimpan."))
    return redirect(back)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluations/index.html",
        {
            "assignments": selectors.assignment_list_for_user(request.user),
            "cycles": selectors.cycle_list_for_user(request.user),
            "openable": selectors.cycle_ids_openable(request.user),
            "can_open": selectors.can_open_cycle(request.user),
            "can_manage_instruments": has_role(request.user, Role.NATIONAL_ADMIN),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    """Open a cycle: national admins and coordinators only (404 to others, the form
    too)."""
    if not selectors.can_open_cycle(request.user):
        raise Http404
    units = scope_queryset(
        request.user,
        ServiceUnit.objects.select_related("government"),
        roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR],
    )
    form = CycleForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = Region.objects.filter(code=data["region"]).first()
        if region is None:
            form.add_error("region", _("Kode wilayah tidak dikenal."))
        else:
            instrument = _instrument_choice(data.get("instrument") or "")
            try:
                cycle = services.cycle_open(
                    actor=request.user,
                    year=data["year"],
                    name=data["name"],
                    scheme=data["scheme"],
                    region=region,
                    units=data["units"],
                    self_assessment_due=data["self_assessment_due"],
                    verification_due=data["verification_due"],
                    instrument_id=instrument[0],
                    instrument_version=instrument[1],
                    data_from=data["data_from"],
                    data_to=data["data_to"],
                )
            except MutuError as error:
                form.add_error(None, error.message_for(get_language()))
            else:
                return redirect("evaluations:cycle", cycle_id=cycle.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluations/cycle_form.html", {"form": form}, status=status)


def _instrument_choice(value: str) -> tuple[str, str | None]:
    """``id@version`` from the cycle form: cycle_open's instrument and version
    (D19); the default instrument's shipped file when none was chosen."""
    if "@" not in value:
        return DEFAULT_PEKPPP_INSTRUMENT, None
    instrument_id, version = value.split("@", 1)
    return instrument_id, version


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    """Instrument versions, shipped and uploaded, with the upload form (D19).
    National admins only (404 to others)."""
    if not has_role(request.user, Role.NATIONAL_ADMIN):
        raise Http404
    return render(
        request,
        "evaluations/instruments.html",
        {
            "entries": instrument_catalogue(),
            "form": InstrumentUploadForm(),
            "retire_form": InstrumentRetireForm(),
        },
    )


@login_required
@require_POST
def instrument_upload(request: HttpRequest) -> HttpResponse:
    """Upload a new instrument version; a refused file shows why (400)."""
    if not has_role(request.user, Role.NATIONAL_ADMIN):
        raise Http404
    form = InstrumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.instrument_version_upload(
                actor=request.user, file_name=upload.name, data=upload.read()
            )
        except MutuError as error:
            form.add_error("file", error.message_for(get_language()))
        else:
            messages.success(
                request,
                _("Instrumen %(name)s diunggah.") % {"name": str(record)},
            )
            return redirect("evaluations:instruments")
    return render(
        request,
        "evaluations/instruments.html",
        {
            "entries": instrument_catalogue(),
            "form": form,
            "retire_form": InstrumentRetireForm(),
        },
        status=400,
    )


@login_required
@require_POST
def instrument_retire(request: HttpRequest, version_id: int) -> HttpResponse:
    """Retire an uploaded instrument version (reason required)."""
    if not has_role(request.user, Role.NATIONAL_ADMIN):
        raise Http404
    record = get_object_or_404(InstrumentVersion, pk=version_id)
    form = InstrumentRetireForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        lambda: services.instrument_version_retire(
            actor=request.user, record=record, reason=reason
        ),
        reverse("evaluations:instruments"),
    )


def _managed_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    return get_object_or_404(selectors.cycle_list_for_user(request.user), pk=cycle_id)


@login_required
@require_GET
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The cycle's page: everything for its managers; for an evaluator assigned in
    it, a read-only page with his own assignments (404 to everyone else)."""
    if not selectors.cycle_list_for_user(request.user).filter(pk=cycle_id).exists():
        cycle, mine = selectors.cycle_get_for_evaluator(request.user, cycle_id)
        return render(
            request,
            "evaluations/cycle_assigned.html",
            {"cycle": cycle, "assignments": mine},
        )
    cycle = _managed_cycle(request, cycle_id)
    evaluators = (
        User.objects.filter(grants__role=Role.EVALUATOR).distinct().order_by("username")
    )
    ranking = selectors.cycle_results(cycle)
    return render(
        request,
        "evaluations/cycle.html",
        {
            "cycle": cycle,
            "assignments": cycle.assignments.select_related("unit").prefetch_related(
                "evaluators", "results"
            ),
            "ranking": ranking,
            "departures": selectors.cycle_departures(cycle),
            "actions": selectors.cycle_actions(cycle, ranking),
            "evaluators": evaluators,
            "deadlines_form": DeadlinesForm(
                initial={
                    "self_assessment_due": cycle.self_assessment_due,
                    "verification_due": cycle.verification_due,
                    "data_from": cycle.data_from,
                    "data_to": cycle.data_to,
                }
            ),
            "signing_form": SigningForm(
                initial={
                    "issuing_authority": cycle.issuing_authority,
                    "signatory_name": cycle.signatory_name,
                    "signatory_title": cycle.signatory_title,
                    "signing_place": cycle.signing_place,
                }
            ),
        },
    )


@login_required
@require_POST
def cycle_deadlines(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Extend or move the cycle's deadlines, with a reason (audited)."""
    cycle = _managed_cycle(request, cycle_id)
    form = DeadlinesForm(request.POST)
    back = reverse("evaluations:cycle", args=[cycle.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(back)
    return _run(
        request,
        lambda: services.cycle_deadlines_set(
            actor=request.user, cycle=cycle, **form.cleaned_data
        ),
        back,
    )


@login_required
@require_POST
def cycle_signing(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Set who issues and signs the cycle's certificates, and where (audited)."""
    cycle = _managed_cycle(request, cycle_id)
    form = SigningForm(request.POST)
    back = reverse("evaluations:cycle", args=[cycle.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        response = redirect(back)
        response.status_code = 303
        return response
    return _run(
        request,
        lambda: services.cycle_signing_set(
            actor=request.user, cycle=cycle, **form.cleaned_data
        ),
        back,
    )


@login_required
@require_POST
def cycle_evaluators(
    request: HttpRequest, cycle_id: int, assignment_id: int
) -> HttpResponse:
    cycle = _managed_cycle(request, cycle_id)
    assignment = get_object_or_404(cycle.assignments, pk=assignment_id)
    users = assignment.evaluators.model.objects.filter(
        pk__in=request.POST.getlist("evaluators")
    )
    return _run(
        request,
        lambda: services.evaluators_assign(
            actor=request.user, assignment=assignment, evaluators=list(users)
        ),
        reverse("evaluations:cycle", args=[cycle.pk]),
    )


@login_required
@require_POST
def cycle_publish(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _managed_cycle(request, cycle_id)
    return _run(
        request,
        lambda: services.cycle_publish(actor=request.user, cycle=cycle),
        reverse("evaluations:cycle", args=[cycle.pk]),
    )


@login_required
@require_POST
def cycle_certificates(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Issue certificates for every result the cycle's instrument awards (A, A-)."""
    cycle = _managed_cycle(request, cycle_id)

    def issue() -> None:
        instrument = cycle_instrument(cycle)
        for row in selectors.cycle_results(cycle):
            if instrument.awards(row["result"].predicate):
                services.certificate_issue(actor=request.user, result=row["result"])

    return _run(request, issue, reverse("evaluations:cycle", args=[cycle.pk]))


@login_required
@require_GET
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_user(request.user, assignment_id)
    actions = selectors.assignment_actions(request.user, assignment)
    f03_link = request.build_absolute_uri(
        reverse("evaluations:f03", args=[signing.dumps(assignment.pk, salt=F03_SALT)])
    )
    result = selectors.current_result(assignment)
    comparison = selectors.aspect_comparison(assignment)
    return render(
        request,
        "evaluations/assignment.html",
        {
            "assignment": assignment,
            "comparison": comparison,
            "aspect_chart": _aspect_chart(assignment, comparison),
            "actions": actions,
            "aspects": selectors.answer_rows(assignment),
            "result": result,
            "certificate": selectors.result_certificate(result),
            "history": assignment.results.order_by("-revision"),
            "previous": selectors.previous_results(assignment),
            "visits": assignment.visits.all(),
            "f03_count": assignment.user_assessments.count(),
            "f03_link": f03_link,
            "levels": range(6),
            "revise_form": ReviseForm(),
            "visit_form": VisitForm(),
        },
    )


def _aspect_chart(assignment: Assignment, comparison: dict[str, Any] | None) -> str:
    """The aspects chart of the assignment page (empty without a comparison)."""
    if comparison is None:
        return ""
    label = assignment.cycle.name
    if comparison["provisional"]:
        label = _("%(cycle)s (sementara, dari nilai evaluator)") % {"cycle": label}
    elif not comparison["has_values"]:
        label = _("%(cycle)s (belum dinilai)") % {"cycle": label}
    previous = comparison["previous"]
    return aspect_bars_svg(
        comparison["rows"],
        current_label=label,
        previous_label=previous.assignment.cycle.name if previous else None,
    )


def _assignment_for_post(
    request: HttpRequest, assignment_id: int, side: selectors.Side
) -> Assignment:
    return selectors.assignment_get_for_user(
        request.user, assignment_id, acting_as=side
    )


@login_required
@require_POST
def self_answer(
    request: HttpRequest, assignment_id: int, indicator: str
) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "unit")
    form = SelfAnswerForm(request.POST)
    back = f"{_page(assignment)}#{indicator}"
    if not form.is_valid():
        messages.error(request, _("Pilih level 0–5."))
        return redirect(back)
    return _run(
        request,
        lambda: services.self_answer_save(
            actor=request.user,
            assignment=assignment,
            indicator=indicator,
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
        ),
        back,
    )


@login_required
@require_POST
def evidence_upload(
    request: HttpRequest, assignment_id: int, indicator: str
) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "unit")
    form = EvidenceForm(request.POST, request.FILES)
    back = f"{_page(assignment)}#{indicator}"
    if not form.is_valid():
        messages.error(request, _("Isi keterangan dan lampirkan berkas atau tautan."))
        return redirect(back)
    answer = get_object_or_404(assignment.answers, indicator=indicator)
    return _run(
        request,
        lambda: services.evidence_add(
            actor=request.user,
            answer=answer,
            description=form.cleaned_data["description"],
            upload=form.cleaned_data["file"],
            url=form.cleaned_data["url"] or "",
        ),
        back,
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Serve an evidence file only to those who may see its assignment."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("answer"), pk=evidence_id
    )
    selectors.assignment_get_for_user(request.user, evidence.answer.assignment_id)
    if not evidence.file:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"), content_type=evidence.content_type
    )
    extension = EXTENSIONS.get(evidence.content_type, "")
    response["Content-Disposition"] = (
        f'attachment; filename="bukti-{evidence.pk}{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def submit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "unit")
    return _run(
        request,
        lambda: services.self_assessment_submit(
            actor=request.user, assignment=assignment
        ),
        _page(assignment),
    )


@login_required
@require_POST
def score(request: HttpRequest, assignment_id: int, indicator: str) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "evaluator")
    form = ScoreForm(request.POST)
    back = f"{_page(assignment)}#{indicator}"
    if not form.is_valid():
        messages.error(request, _("Pilih nilai 0–5."))
        return redirect(back)
    return _run(
        request,
        lambda: services.indicator_score(
            actor=request.user,
            assignment=assignment,
            indicator=indicator,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
        ),
        back,
    )


@login_required
@require_POST
def revision(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "evaluator")
    note = request.POST.get("note", "")
    return _run(
        request,
        lambda: services.revision_request(
            actor=request.user, assignment=assignment, note=note
        ),
        _page(assignment),
    )


@login_required
@require_POST
def visit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "evaluator")
    form = VisitForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Isi tanggal dan pengamatan."))
        return redirect(_page(assignment))
    return _run(
        request,
        lambda: services.visit_record(
            actor=request.user,
            assignment=assignment,
            note=form.cleaned_data["note"],
            visited_on=form.cleaned_data["visited_on"],
            photo=form.cleaned_data["photo"],
        ),
        _page(assignment),
    )


@login_required
@require_POST
def finalize(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "manager")
    return _run(
        request,
        lambda: services.result_finalize(actor=request.user, assignment=assignment),
        _page(assignment),
    )


@login_required
@require_POST
def revise(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for_post(request, assignment_id, "manager")
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi indikator, nilai baru dan alasan."))
        return redirect(_page(assignment))
    data = form.cleaned_data
    return _run(
        request,
        lambda: services.result_revise(
            actor=request.user,
            assignment=assignment,
            scores={data["indicator"].strip().upper(): data["score"]},
            reason=data["reason"],
        ),
        _page(assignment),
    )


@require_http_methods(["GET", "POST"])
def f03_form(request: HttpRequest, token: str) -> HttpResponse:
    """The public F-03 form of one unit in a cycle, opened from a signed link/QR."""
    try:
        assignment_id = signing.loads(token, salt=F03_SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    assignment = get_object_or_404(
        Assignment.objects.select_related("unit", "cycle"), pk=assignment_id
    )
    try:
        user_form = services.user_form_for(assignment)
    except MutuError as closed:
        return render(
            request,
            "evaluations/f03_closed.html",
            {"assignment": assignment, "reason": closed.message_for(get_language())},
            status=410,
        )
    if request.method == "POST" and rate_limited(request, "f03"):
        return HttpResponse(
            _("Terlalu banyak kiriman dari jaringan Anda. Coba lagi sebentar lagi."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    form = F03Form(
        request.POST or None,
        initial={"client_id": uuid.uuid4()},
        user_form=user_form,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_assessment_add(
                assignment=assignment,
                scores=form.scores(),
                client_id=form.cleaned_data["client_id"],
            )
        except MutuError as error:
            form.add_error(None, error.message_for(get_language()))
        else:
            return render(
                request, "evaluations/f03_thanks.html", {"assignment": assignment}
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "evaluations/f03.html",
        {"assignment": assignment, "form": form, "items": user_form.items},
        status=status,
    )


@require_GET
@replica_reads
def public_cycle(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Published results of a cycle, filterable by region code (``?wilayah=18``)."""
    cycle = get_object_or_404(Cycle, pk=cycle_id, status=Cycle.Status.PUBLISHED)
    region = request.GET.get("wilayah") or None
    rows = selectors.cycle_results(cycle, region_code=region)
    return render(
        request,
        "evaluations/public_cycle.html",
        {"cycle": cycle, "rows": rows, "region": region},
    )


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public check of a certificate: anyone holding one can see whether it is genuine."""
    certificate = Certificate.objects.filter(verification_code=code).first()
    status = 200 if certificate else 404
    replacement = (
        selectors.certificate_replacement(certificate) if certificate else None
    )
    return render(
        request,
        "evaluations/verify.html",
        {"certificate": certificate, "replacement": replacement},
        status=status,
    )


@require_GET
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, verification_code=code)
    pdf = certificate_pdf(certificate, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="piagam-{certificate.pk}.pdf"'
    return response
