"""What needs the signed-in user now: the to-dos of the dashboard and the weekly
digest (issue 15 item 3; docs/regulations.md D24).

Each role gets its own list, read through each app's bulk selectors, so the number
of queries stays the same whatever the number of units in scope:

- unit operator: periods waiting for publication, follow-up plan items overdue or
  due soon, paper imports with errors, complaints late or due soon;
- unit head: results waiting for publication, the self-assessment deadlines of
  open evaluation cycles (the operator, who fills it in, sees them too);
- coordinator and national admin, over their scope: units with no survey this
  period, units whose last ended, unpublished period has too small a sample,
  flagged responses still to review, late complaints, overdue follow-up plan
  items, evaluation stages waiting in the cycles they manage; counted per child of
  their scope (province, regency or unit), never one line per unit nationally;
- evaluator: the assignments waiting for his scores.

A to-do is a :class:`Todo`: a label, a count, a link and an urgency, with a short
breakdown (:class:`TodoPart`) when its count spans several units or regions.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import grant_paths, scope_queryset
from mutu.complaints.selectors import complaint_due_map
from mutu.evaluations import states
from mutu.evaluations.selectors import (
    cycle_waiting_list,
    evaluator_waiting_list,
    unit_deadline_list,
)
from mutu.measures.sampling import required_sample
from mutu.registry.models import Government, Region, ServiceUnit
from mutu.surveys.periods import Period, PeriodKind, period_containing
from mutu.surveys.selectors import (
    flagged_count_map,
    follow_up_due_map,
    import_error_count_map,
    period_kind_map,
    population_map,
    published_keys,
    response_count_map,
)

LATE = "late"
SOON = "soon"
INFO = "info"
URGENCY_ORDER = {LATE: 0, SOON: 1, INFO: 2}

FOLLOW_UP_SOON_DAYS = 14
"""A follow-up plan item is "due soon" this many days before its due date (D24)."""

EVALUATION_SOON_DAYS = 7
"""A self-assessment deadline is urgent this many days before it (D24)."""

IMPORT_ERROR_DAYS = 30
"""A refused or failed paper import stays a to-do this long, unless fixed (D24)."""

NO_SURVEY_GRACE_DAYS = 14
"""A unit has "no survey this period" only when it also had none in the last
14 days, so the first days of a new period do not flag every unit (D24)."""

BREAKDOWN_ROWS = 8
"""Rows shown under a to-do; the rest are counted as "and N more"."""

REGIONAL_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)


@dataclass(frozen=True)
class TodoPart:
    """One line of a to-do's breakdown: a unit, a regency or a province."""

    label: str
    count: int
    url: str = ""


@dataclass(frozen=True)
class Todo:
    """Something that needs the user now: *count* things behind *url*.

    ``urgency`` is ``late`` (a deadline has passed), ``soon`` (one is near) or
    ``info``; ``parts`` break the count down when it spans several places, and
    ``more`` counts the lines left out of ``parts``.
    """

    key: str
    label: str
    count: int
    url: str
    urgency: str = INFO
    parts: tuple[TodoPart, ...] = ()
    more: int = 0


def _date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _with_query(url: str, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items() if value)
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class _Periods:
    """Per survey period kind: the running period and the last two ended ones."""

    today: date

    def current(self, kind: str) -> Period:
        return period_containing(self.today, kind)

    def ended(self, kind: str, back: int = 1) -> Period:
        period = self.current(kind)
        for _step in range(back):
            period = period.previous()
        return period


def _kinds(kind_map: dict[int, str]) -> set[str]:
    return {*kind_map.values(), PeriodKind.QUARTER}


def _kind(kind_map: dict[int, str], unit_id: int) -> str:
    return kind_map.get(unit_id, PeriodKind.QUARTER)


# ---------------------------------------------------------------------------------
# Grouping units into the lines of a breakdown
# ---------------------------------------------------------------------------------


@dataclass
class _Scope:
    """The units of a regional scope, and how they fold into breakdown lines."""

    units: Any
    paths: list[str]
    rows: dict[int, tuple[str, str]]
    """unit id -> (path, name)."""
    national_path: str

    def group_key(self, unit_path: str) -> str:
        """The line a unit's path counts under: the child of the deepest scope
        path holding it (a province, a regency, a government or the unit)."""
        bases = [
            self.national_path if path == "/" else path
            for path in self.paths
            if path == "/" or unit_path.startswith(path)
        ]
        base = max(bases, key=len, default=self.national_path)
        rest = unit_path[len(base) :].strip("/").split("/")
        return f"{base}{rest[0]}/" if rest and rest[0] else unit_path


def _regional_scope(user: User) -> _Scope | None:
    paths = grant_paths(user, REGIONAL_ROLES)
    if not paths:
        return None
    units = scope_queryset(user, ServiceUnit.objects.all(), REGIONAL_ROLES)
    rows = {
        pk: (path, short_name or name)
        for pk, path, name, short_name in units.values_list(
            "pk", "path", "name", "short_name"
        )
    }
    national = f"/{Region.NATIONAL_CODE}/"
    return _Scope(units=units, paths=paths, rows=rows, national_path=national)


def _group_labels(scope: _Scope, keys: Iterable[str]) -> dict[str, TodoPart]:
    """Label and link of each breakdown line (two queries at most)."""
    keys = set(keys)
    labels: dict[str, TodoPart] = {}
    unit_keys = {path: pk for pk, (path, _name) in scope.rows.items() if path in keys}
    for path, pk in unit_keys.items():
        labels[path] = TodoPart(scope.rows[pk][1], 0, "")
    rest = keys - set(unit_keys)
    if rest:
        for code, name, path in Region.objects.filter(path__in=rest).values_list(
            "code", "name", "path"
        ):
            labels[path] = TodoPart(
                name, 0, reverse("registry:region_detail", args=[code])
            )
        for name, path, code in Government.objects.filter(
            path__in=rest - set(labels)
        ).values_list("name", "path", "region__code"):
            labels[path] = TodoPart(
                name, 0, reverse("registry:region_detail", args=[code])
            )
    return labels


@dataclass
class _Tally:
    """Counts per unit of one regional to-do, before folding into lines."""

    key: str
    label: str
    urgency: str
    unit_url: Callable[[int], str]
    counts: dict[int, int]


def _fold(scope: _Scope, tallies: list[_Tally]) -> list[Todo]:
    """Each tally as a :class:`Todo` whose parts are the lines of the scope."""
    keyed: list[tuple[_Tally, dict[str, int]]] = []
    for tally in tallies:
        lines: dict[str, int] = defaultdict(int)
        for unit_id, count in tally.counts.items():
            if count and unit_id in scope.rows:
                lines[scope.group_key(scope.rows[unit_id][0])] += count
        if lines:
            keyed.append((tally, lines))
    labels = _group_labels(scope, {k for _t, lines in keyed for k in lines})
    paths_to_unit = {path: pk for pk, (path, _name) in scope.rows.items()}
    todos = []
    for tally, lines in keyed:
        parts = []
        for key, count in sorted(
            lines.items(),
            key=lambda item: (-item[1], getattr(labels.get(item[0]), "label", "")),
        ):
            label = labels.get(key) or TodoPart(key, 0, "")
            url = (
                tally.unit_url(paths_to_unit[key])
                if key in paths_to_unit
                else label.url
            )
            parts.append(TodoPart(label.label, count, url))
        url = parts[0].url if len(parts) == 1 else ""
        todos.append(
            Todo(
                key=tally.key,
                label=tally.label,
                count=sum(lines.values()),
                url=url,
                urgency=tally.urgency,
                parts=tuple(parts[:BREAKDOWN_ROWS]),
                more=max(0, len(parts) - BREAKDOWN_ROWS),
            )
        )
    return todos


# ---------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------


def _results_url(unit_id: int, period_key: str = "") -> str:
    return _with_query(
        reverse("surveys:unit_results", args=[unit_id]), periode=period_key
    )


def _flagged_url(unit_id: int, period_key: str = "") -> str:
    return _with_query(reverse("surveys:flagged", args=[unit_id]), periode=period_key)


def _inbox_url(unit_id: int, due: str = "") -> str:
    return _with_query(reverse("complaints:inbox", args=[unit_id]), due=due)


def _paper_url(unit_id: int) -> str:
    return reverse("paper:upload", args=[unit_id])


# ---------------------------------------------------------------------------------
# The unit's staff
# ---------------------------------------------------------------------------------


def _unit_todos(user: User, today: date, *, as_head: bool) -> list[Todo]:
    """The to-dos of the units *user* operates (or heads, with *as_head*)."""
    if user.is_superuser:
        return []  # a superuser counts as a national admin, not as every unit's staff
    role = Role.UNIT_HEAD if as_head else Role.UNIT_OPERATOR
    units = scope_queryset(user, ServiceUnit.objects.all(), [role])
    names = {
        pk: short_name or name
        for pk, name, short_name in units.values_list("pk", "name", "short_name")
    }
    if not names:
        return []
    todos: list[Todo] = []
    todos += _publish_todos(units, names, today, as_head=as_head)
    todos += _deadline_todos(units, today)
    if as_head:
        return todos
    todos += _follow_up_todos(units, names, today)
    todos += _import_todos(units, names, today)
    todos += _complaint_todos(units, names, today)
    return todos


def _per_unit(
    key: str,
    label: str,
    urgency: str,
    names: dict[int, str],
    counts: dict[int, int],
    url: Callable[[int], str],
) -> list[Todo]:
    """One to-do over the user's own units: one line per unit when several."""
    rows = [(pk, n) for pk, n in counts.items() if n and pk in names]
    if not rows:
        return []
    rows.sort(key=lambda row: (-row[1], names[row[0]]))
    parts = tuple(TodoPart(names[pk], n, url(pk)) for pk, n in rows)
    return [
        Todo(
            key=key,
            label=label,
            count=sum(n for _pk, n in rows),
            url=parts[0].url,
            urgency=urgency,
            parts=parts if len(parts) > 1 else (),
        )
    ]


def _publish_todos(
    units: Any, names: dict[int, str], today: date, *, as_head: bool
) -> list[Todo]:
    """The last two ended periods with counted responses and no publication."""
    kind_map = period_kind_map(units)
    periods = _Periods(today)
    ranges = {}
    for kind in _kinds(kind_map):
        for back in (1, 2):
            period = periods.ended(kind, back)
            ranges[f"{kind}:{back}"] = (period.start, period.end)
    counts = response_count_map(units, ranges)
    keys = {
        periods.ended(kind, back).key for kind in _kinds(kind_map) for back in (1, 2)
    }
    published = published_keys(units, keys)
    waiting: dict[int, int] = {}
    oldest: dict[int, str] = {}
    for unit_id in names:
        kind = _kind(kind_map, unit_id)
        for back in (2, 1):
            period = periods.ended(kind, back)
            if (
                counts.get(unit_id, {}).get(f"{kind}:{back}")
                and (unit_id, period.key) not in published
            ):
                waiting[unit_id] = waiting.get(unit_id, 0) + 1
                oldest.setdefault(unit_id, period.key)
    label = (
        _("Hasil SKM menunggu publikasi Anda")
        if as_head
        else _("Periode SKM menunggu publikasi kepala unit")
    )
    return _per_unit(
        "publish",
        label,
        SOON if as_head else INFO,
        names,
        waiting,
        lambda pk: _results_url(pk, oldest.get(pk, "")),
    )


def _follow_up_todos(units: Any, names: dict[int, str], today: date) -> list[Todo]:
    due = follow_up_due_map(
        units, today=today, soon_until=today + timedelta(days=FOLLOW_UP_SOON_DAYS)
    )

    def url(pk: int) -> str:
        return _results_url(pk, due[pk]["period_key"])

    return [
        *_per_unit(
            "follow_up_overdue",
            _("Rencana tindak lanjut lewat tenggat"),
            LATE,
            names,
            {pk: row["overdue"] for pk, row in due.items()},
            url,
        ),
        *_per_unit(
            "follow_up_soon",
            _("Rencana tindak lanjut jatuh tempo dalam 14 hari"),
            SOON,
            names,
            {pk: row["soon"] for pk, row in due.items()},
            url,
        ),
    ]


def _import_todos(units: Any, names: dict[int, str], today: date) -> list[Todo]:
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=IMPORT_ERROR_DAYS), time.min)
    )
    return _per_unit(
        "import_errors",
        _("Impor survei kertas yang ditolak atau gagal"),
        SOON,
        names,
        import_error_count_map(units, since=since),
        _paper_url,
    )


def _complaint_todos(units: Any, names: dict[int, str], today: date) -> list[Todo]:
    due = complaint_due_map(units, today=today)
    return [
        *_per_unit(
            "complaints_late",
            _("Pengaduan lewat tenggat"),
            LATE,
            names,
            {pk: row["late"] for pk, row in due.items()},
            lambda pk: _inbox_url(pk, "late"),
        ),
        *_per_unit(
            "complaints_soon",
            _("Pengaduan jatuh tempo hari ini atau besok"),
            SOON,
            names,
            {pk: row["soon"] for pk, row in due.items()},
            _inbox_url,
        ),
    ]


def _deadline_todos(units: Any, today: date) -> list[Todo]:
    todos = []
    for assignment in unit_deadline_list(units, today=today):
        deadline = states.unit_deadline(assignment)
        if assignment.stage == assignment.Stage.REVISION:
            text = _("Revisi evaluasi %(cycle)s (%(unit)s): tenggat %(date)s")
        else:
            text = _("Penilaian mandiri %(cycle)s (%(unit)s): tenggat %(date)s")
        near = deadline is not None and (deadline - today).days <= EVALUATION_SOON_DAYS
        todos.append(
            Todo(
                key="evaluation_deadline",
                label=text
                % {
                    "cycle": assignment.cycle.name,
                    "unit": assignment.unit,
                    "date": _date(deadline) if deadline else "—",
                },
                count=1,
                url=reverse("evaluations:assignment", args=[assignment.pk]),
                urgency=SOON if near else INFO,
            )
        )
    return todos


# ---------------------------------------------------------------------------------
# Coordinators and national admins
# ---------------------------------------------------------------------------------


def _regional_todos(user: User, today: date) -> list[Todo]:
    scope = _regional_scope(user)
    if scope is None:
        return []
    units = scope.units
    kind_map = period_kind_map(units)
    periods = _Periods(today)
    ranges: dict[str, tuple[date, date]] = {}
    for kind in _kinds(kind_map):
        current, ended = periods.current(kind), periods.ended(kind)
        recent = min(current.start, today - timedelta(days=NO_SURVEY_GRACE_DAYS - 1))
        ranges[f"{kind}:recent"] = (recent, today)
        ranges[f"{kind}:cur"] = (current.start, current.end)
        ranges[f"{kind}:ended"] = (ended.start, ended.end)
    responses = response_count_map(units, ranges)
    ended_keys = {periods.ended(kind).key for kind in _kinds(kind_map)}
    published = published_keys(units, ended_keys)
    populations = population_map(units, ended_keys)
    flagged = flagged_count_map(
        units,
        {
            name: span
            for name, span in ranges.items()
            if name.endswith((":cur", ":ended"))
        },
    )

    no_survey: dict[int, int] = {}
    small_sample: dict[int, int] = {}
    to_review: dict[int, int] = {}
    review_key: dict[int, str] = {}
    for unit_id in scope.rows:
        kind = _kind(kind_map, unit_id)
        ended = periods.ended(kind)
        counted = responses.get(unit_id, {})
        if not counted.get(f"{kind}:recent"):
            no_survey[unit_id] = 1
        population = populations.get((unit_id, ended.key))
        ended_open = (unit_id, ended.key) not in published
        if (
            population
            and ended_open
            and counted.get(f"{kind}:ended", 0) < required_sample(population)
        ):
            small_sample[unit_id] = 1
        marks = flagged.get(unit_id, {})
        waiting_ended = marks.get(f"{kind}:ended", 0) if ended_open else 0
        waiting = waiting_ended + marks.get(f"{kind}:cur", 0)
        if waiting:
            to_review[unit_id] = waiting
            review_key[unit_id] = (
                ended.key if waiting_ended else periods.current(kind).key
            )
    complaints = complaint_due_map(units, today=today)
    follow_ups = follow_up_due_map(units, today=today, soon_until=today)

    def ended_results(pk: int) -> str:
        return _results_url(pk, periods.ended(_kind(kind_map, pk)).key)

    todos = _fold(
        scope,
        [
            _Tally(
                "complaints_late",
                _("Pengaduan lewat tenggat"),
                LATE,
                lambda pk: _inbox_url(pk, "late"),
                {pk: row["late"] for pk, row in complaints.items()},
            ),
            _Tally(
                "follow_up_overdue",
                _("Rencana tindak lanjut lewat tenggat"),
                LATE,
                lambda pk: _results_url(pk, follow_ups[pk]["period_key"]),
                {pk: row["overdue"] for pk, row in follow_ups.items()},
            ),
            _Tally(
                "flagged",
                _("Respons bertanda yang perlu ditinjau"),
                SOON,
                lambda pk: _flagged_url(pk, review_key.get(pk, "")),
                to_review,
            ),
            _Tally(
                "small_sample",
                _("Unit dengan sampel periode lalu belum cukup"),
                SOON,
                ended_results,
                small_sample,
            ),
            _Tally(
                "no_survey",
                _("Unit tanpa survei periode ini"),
                INFO,
                _results_url,
                no_survey,
            ),
        ],
    )
    for row in cycle_waiting_list(user, today=today):
        count = row["submitted"] + row["revision_expired"]
        todos.append(
            Todo(
                key="evaluation_waiting",
                label=_("Evaluasi %(cycle)s: unit menunggu verifikasi atau finalisasi")
                % {"cycle": row["cycle__name"]},
                count=count,
                url=reverse("evaluations:cycle", args=[row["cycle_id"]]),
                urgency=LATE if row["revision_expired"] else SOON,
            )
        )
    return todos


def _evaluator_todos(user: User, today: date) -> list[Todo]:
    rows = evaluator_waiting_list(user, today=today)
    if not rows:
        return []
    parts = tuple(
        TodoPart(
            f"{row.unit} · {row.cycle.name}",
            1,
            reverse("evaluations:assignment", args=[row.pk]),
        )
        for row in rows
    )
    return [
        Todo(
            key="evaluator_waiting",
            label=_("Evaluasi menunggu penilaian Anda"),
            count=len(rows),
            url=parts[0].url,
            urgency=SOON,
            parts=parts[:BREAKDOWN_ROWS] if len(parts) > 1 else (),
            more=max(0, len(parts) - BREAKDOWN_ROWS),
        )
    ]


def todo_list_for_user(user: User, *, today: date | None = None) -> list[Todo]:
    """Everything that needs *user* now, most urgent first (D24).

    Reads only; the number of queries does not grow with the number of units in
    the user's scope. A user holding several roles gets the to-dos of each.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    today = today or timezone.localdate()
    todos: list[Todo] = []
    todos += _regional_todos(user, today)
    todos += _unit_todos(user, today, as_head=True)
    todos += _unit_todos(user, today, as_head=False)
    todos += _evaluator_todos(user, today)
    seen: set[tuple[str, str]] = set()
    unique = []
    for todo in todos:  # a head who also operates the unit: each to-do once
        if (todo.key, todo.url) not in seen:
            seen.add((todo.key, todo.url))
            unique.append(todo)
    return sorted(unique, key=lambda todo: URGENCY_ORDER[todo.urgency])
