"""Complaint pages: the citizen's form and tracking page, the unit's inbox, one
complaint with its actions, the operator's entry, attachments, export and recap.

Thin: each parses input, checks access, calls one service or selector (STYLE.md §5).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.models import Role
from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.complaints import selectors, services
from mutu.complaints.export import EXPORTERS, export_rows
from mutu.complaints.forms import ActionForm, CitizenForm, ComplaintForm
from mutu.complaints.models import AnswerTemplate, Complaint
from mutu.errors import MutuError
from mutu.evaluations.evidence import EXTENSIONS
from mutu.ratelimit import rate_limited
from mutu.registry.models import Service, ServiceUnit
from mutu.registry.selectors import unit_get_for_user
from mutu.surveys.models import FollowUpItem
from mutu.surveys.periods import PeriodKind, period_containing, period_from_key

OPERATOR_CHANNELS = [
    (Complaint.Channel.COUNTER, Complaint.Channel.COUNTER.label),
    (Complaint.Channel.PHONE, Complaint.Channel.PHONE.label),
    (Complaint.Channel.LETTER, Complaint.Channel.LETTER.label),
]


def _slow_down(request: HttpRequest) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def _units():
    return ServiceUnit.objects.select_related("government").order_by(
        "government__name", "name"
    )


def _file_from_form(
    request: HttpRequest, form: ComplaintForm, *, channel: str, actor=None
):
    data = form.cleaned_data
    try:
        return services.complaint_file(
            unit=data["unit"],
            text=data["text"],
            channel=channel,
            kind=data["kind"],
            privacy=data["privacy"],
            reporter_name=data["reporter_name"],
            reporter_email=data["reporter_email"],
            reporter_phone=data["reporter_phone"],
            attachments=data["attachments"],
            actor=actor,
        ).complaint
    except MutuError as error:
        form.add_error(
            "attachments" if error.details.get("field") == "file" else None,
            error.message_for(get_language()),
        )
        return None


@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    """``/aduan/``: a citizen files a complaint and gets a tracking code at once."""
    initial = {}
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        initial["unit"] = int(unit_id)
    form = ComplaintForm(
        request.POST or None, request.FILES or None, units=_units(), initial=initial
    )
    if request.method == "POST":
        if rate_limited(request, "complaint-file"):
            return _slow_down(request)
        if form.is_valid() and not form.cleaned_data["website"]:
            complaint = _file_from_form(request, form, channel=Complaint.Channel.WEB)
            if complaint is not None:
                messages.success(
                    request,
                    _("Pengaduan diterima. Simpan kode lacak Anda: %(code)s")
                    % {"code": complaint.tracking_code},
                )
                return redirect("complaints:track", code=complaint.tracking_code)
    return render(request, "complaints/form.html", {"form": form})


@require_GET
def complaint_lookup(request: HttpRequest) -> HttpResponse:
    """``/aduan/lacak/?kode=…``: go to a tracking page by its code."""
    if rate_limited(
        request,
        "complaint-track",
        per_minute=settings.MUTU_COMPLAINT_LOOKUPS_PER_MINUTE,
    ):
        return _slow_down(request)
    code = (request.GET.get("kode") or "").strip().upper()
    if selectors.complaint_by_code(code) is None:
        messages.error(request, _("Kode lacak tidak ditemukan. Periksa kembali."))
        return redirect("complaints:form")
    return redirect("complaints:track", code=code)


@require_http_methods(["GET", "POST"])
def complaint_track(request: HttpRequest, code: str) -> HttpResponse:
    """``/aduan/<code>/``: status, deadlines and the unit's answers; never the
    identity. The citizen rates the answer, disputes it, or says whether it is
    solved. Look-ups are rate-limited per address against enumeration."""
    if rate_limited(
        request,
        "complaint-track",
        per_minute=settings.MUTU_COMPLAINT_LOOKUPS_PER_MINUTE,
    ):
        return _slow_down(request)
    complaint = selectors.complaint_by_code(code)
    if complaint is None:
        raise Http404
    form = CitizenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "rate":
                if not data["rating"]:
                    raise MutuError("Pilih nilai 1–4.", "Choose a rating 1–4.")
                services.complaint_rate(complaint=complaint, rating=data["rating"])
            elif data["action"] == "dispute":
                services.complaint_dispute(complaint=complaint, reason=data["reason"])
            else:
                if data["solved"] not in ("ya", "tidak"):
                    raise MutuError("Pilih ya atau tidak.", "Choose yes or no.")
                services.complaint_solved_answer(
                    complaint=complaint, solved=data["solved"] == "ya"
                )
        except MutuError as error:
            form.add_error(None, error.message_for(get_language()))
        else:
            messages.success(request, _("Terima kasih, tanggapan Anda tercatat."))
            return redirect("complaints:track", code=complaint.tracking_code)
    complaint.refresh_from_db()
    events = complaint.events.filter(public=True)
    can_respond = complaint.status in (
        Complaint.Status.ANSWERED,
        Complaint.Status.CLOSED,
    )
    return render(
        request,
        "complaints/track.html",
        {
            "complaint": complaint,
            "events": events,
            "form": form,
            "can_respond": can_respond,
            "can_dispute": can_respond and complaint.reopened_at is None,
            "ask_solved": can_respond and complaint.solved is None,
            "state": selectors.deadline_state(complaint),
        },
    )


def _period(request: HttpRequest):
    key = request.GET.get("periode", "")
    if key:
        try:
            return period_from_key(key)
        except (ValueError, TypeError) as error:
            raise Http404 from error
    return period_containing(timezone.localdate(), PeriodKind.QUARTER)


@login_required
@require_GET
def complaint_inbox(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The unit's complaints with filters (status, due, service, channel, type),
    the period's figures and the quarterly recap."""
    unit = unit_get_for_user(request.user, unit_id)
    filters = {
        k: request.GET.get(k, "")
        for k in ("status", "due", "service", "channel", "kind")
    }
    rows = list(selectors.complaint_list_for_unit(request.user, unit, filters)[:200])
    today = timezone.localdate()
    period = _period(request)
    return render(
        request,
        "complaints/inbox.html",
        {
            "unit": unit,
            "rows": [(c, selectors.deadline_state(c, today)) for c in rows],
            "filters": filters,
            "statuses": Complaint.Status.choices,
            "channels": Complaint.Channel.choices,
            "kinds": Complaint.Kind.choices,
            "services": Service.objects.filter(unit=unit).order_by("name"),
            "period": period,
            "previous": period.previous(),
            "figures": selectors.complaint_figures(unit, period.start, period.end),
            "recaps": selectors.recap_list_public(unit),
            "can_publish": can_see(
                request.user, unit, roles=(Role.UNIT_HEAD, Role.NATIONAL_ADMIN)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """An operator enters a complaint received at the counter, by phone or letter."""
    unit = unit_get_for_user(request.user, unit_id, roles=EDITOR_ROLES)
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        units=ServiceUnit.objects.filter(pk=unit.pk),
        channels=OPERATOR_CHANNELS,
        initial={"unit": unit.pk},
    )
    del form.fields["website"]  # the honeypot is for the public form only
    if request.method == "POST" and form.is_valid():
        complaint = _file_from_form(
            request, form, channel=form.cleaned_data["channel"], actor=request.user
        )
        if complaint is not None:
            messages.success(
                request,
                _("Pengaduan dicatat dengan kode lacak %(code)s.")
                % {"code": complaint.tracking_code},
            )
            return redirect(
                "complaints:detail", unit_id=unit.pk, complaint_id=complaint.pk
            )
    return render(request, "complaints/create.html", {"unit": unit, "form": form})


def _act(request: AuthenticatedHttpRequest, complaint: Complaint, data: dict) -> None:
    action, user = data["action"], request.user
    if action == "verify":
        services.complaint_verify(
            actor=user, complaint=complaint, field_inspection=data["field_inspection"]
        )
    elif action == "forward":
        target = ServiceUnit.objects.filter(pk=data["unit"] or 0).first()
        if target is None:
            raise MutuError("Pilih unit tujuan.", "Choose the unit to forward to.")
        services.complaint_forward(
            actor=user, complaint=complaint, unit=target, reason=data["reason"]
        )
    elif action == "archive":
        services.complaint_archive(
            actor=user, complaint=complaint, reason=data["reason"]
        )
    elif action == "start":
        services.complaint_start(actor=user, complaint=complaint)
    elif action == "answer":
        text = data["text"]
        template = AnswerTemplate.objects.filter(
            unit=complaint.unit, pk=data["template"] or 0
        ).first()
        if not text and template is not None:
            text = template.text
        services.complaint_answer(actor=user, complaint=complaint, text=text)
    elif action == "close":
        services.complaint_close(actor=user, complaint=complaint)
    elif action == "note":
        services.complaint_note_add(actor=user, complaint=complaint, text=data["text"])
    else:
        item = None
        if data["follow_up"]:
            item = FollowUpItem.objects.filter(
                unit=complaint.unit, pk=data["follow_up"]
            ).first()
            if item is None:
                raise MutuError(
                    "Rencana tindak lanjut tidak ditemukan.",
                    "Follow-up item not found.",
                )
        services.complaint_follow_up_link(actor=user, complaint=complaint, item=item)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(
    request: AuthenticatedHttpRequest, unit_id: int, complaint_id: int
) -> HttpResponse:
    """One complaint: its history, attachments, internal notes, identity (per
    D21), deadlines, and the unit's actions."""
    unit = unit_get_for_user(request.user, unit_id)
    complaint = selectors.complaint_get_for_user(request.user, unit, complaint_id)
    form = ActionForm(request.POST or None)
    if request.method == "POST":
        if not can_see(request.user, unit, roles=EDITOR_ROLES):
            raise Http404
        if form.is_valid():
            try:
                _act(request, complaint, form.cleaned_data)
            except MutuError as error:
                form.add_error(None, error.message_for(get_language()))
            else:
                messages.success(request, _("Tersimpan."))
                complaint.refresh_from_db()
                if complaint.unit_id != unit.pk:
                    return redirect("complaints:inbox", unit_id=unit.pk)
                return redirect(
                    "complaints:detail", unit_id=unit.pk, complaint_id=complaint.pk
                )
    return render(
        request,
        "complaints/detail.html",
        {
            "unit": unit,
            "complaint": complaint,
            "form": form,
            "events": complaint.events.select_related("actor"),
            "attachments": complaint.attachments.all(),
            "identity": selectors.identity_visible(request.user, complaint),
            "state": selectors.deadline_state(complaint),
            "templates": selectors.answer_templates_for(unit),
            "plan_items": FollowUpItem.objects.filter(unit=unit).order_by("-due_date")[
                :30
            ],
            "other_units": ServiceUnit.objects.exclude(pk=unit.pk)
            .filter(government=unit.government)
            .order_by("name"),
            "escalations": complaint.escalations.all(),
        },
    )


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, attachment_id: int
) -> FileResponse:
    """Serve a complaint's attachment only to those who may see the complaint."""
    attachment = selectors.attachment_get_for_user(request.user, attachment_id)
    if not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type
    )
    extension = EXTENSIONS.get(attachment.content_type, "")
    response["Content-Disposition"] = (
        f'attachment; filename="lampiran-{attachment.pk}{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def complaint_export(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The SP4N-LAPOR! hand-off of the unit's complaints (``?format=xlsx`` or CSV)."""
    unit = unit_get_for_user(request.user, unit_id)
    kind = request.GET.get("format", "csv")
    if kind not in EXPORTERS:
        kind = "csv"
    content = EXPORTERS[kind](
        export_rows(selectors.complaint_list_for_unit(request.user, unit))
    )
    content_type = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="pengaduan-{unit.pk}-{stamp}.{kind}"'
    )
    return response


@login_required
@require_POST
def recap_publish(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The unit head publishes the complaints recap of a quarter (public page)."""
    unit = unit_get_for_user(
        request.user, unit_id, roles=(Role.UNIT_HEAD, Role.NATIONAL_ADMIN)
    )
    key = request.POST.get("period_key", "")
    try:
        services.complaint_recap_publish(actor=request.user, unit=unit, period_key=key)
    except MutuError as error:
        messages.error(request, error.message_for(get_language()))
    else:
        messages.success(request, _("Rekap pengaduan diterbitkan."))
    return redirect(f"{reverse('complaints:inbox', args=[unit.pk])}?periode={key}")
