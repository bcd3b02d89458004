"""Rollups carry every figure of a results page (issue 14 item 3; docs/scaling.md).

Adds to each daily rollup row the co-answer sums of the 36 element pairs, the
respondent profile counts, the answers to the unit's own questions and the flagged
and excluded counts; replaces the partial index of the newest comments (the period's last day first); then rebuilds
every rollup row from the responses in one ``INSERT … SELECT … GROUP BY``. The
columns and the rule are frozen here (not imported), so that this migration keeps
meaning what it meant whatever later code adds.
"""

from django.db import migrations, models

ELEMENTS = tuple(f"u{n}" for n in range(1, 10))
PAIRS = tuple((a, b) for i, a in enumerate(ELEMENTS) for b in ELEMENTS[i + 1 :])
PROFILE = (
    ("sex", ("L", "P", "")),
    ("education", ("SD", "SMP", "SMA", "D1-D3", "S1", "S2", "S3", "")),
    ("occupation", ("PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA", "")),
)
AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 100))


def _slug(value):
    return value.lower().replace("-", "_") or "blank"


def _columns(vendor):
    """``(column, aggregate)`` of every rollup number, in the order of the rule."""
    counted = "NOT is_excluded"

    def count(condition):
        return f"COUNT(*) FILTER (WHERE {counted} AND {condition})"

    out = [("responses", f"COUNT(*) FILTER (WHERE {counted})")]
    out += [
        (f"{e}_{v}", count(f"{e} = {v}")) for e in ELEMENTS for v in (1, 2, 3, 4)
    ]
    for a, b in PAIRS:
        out += [
            (f"{a}{b}_n", f"COUNT({a} * {b}) FILTER (WHERE {counted})"),
            (f"{a}{b}_a", f"COALESCE(SUM({a} + 0 * {b}) FILTER (WHERE {counted}), 0)"),
            (f"{a}{b}_b", f"COALESCE(SUM({b} + 0 * {a}) FILTER (WHERE {counted}), 0)"),
            (f"{a}{b}_ab", f"COALESCE(SUM({a} * {b}) FILTER (WHERE {counted}), 0)"),
        ]
    for field, values in PROFILE:
        out += [
            (f"{field}_{_slug(value)}", count(f"{field} = '{value}'"))
            for value in values
        ]
    out += [
        (f"age_{low}", count(f"age BETWEEN {low} AND {high}"))
        for low, high in AGE_BANDS
    ]
    out.append(("age_blank", count("age IS NULL")))
    for n in range(1, 6):
        for value in range(1, 5):
            if vendor == "postgresql":
                test = f"extra_answers -> 'X{n}' = '{value}'"
            else:
                test = f"json_extract(extra_answers, '$.X{n}') = {value}"
            out.append((f"x{n}_{value}", count(test)))
    out += [
        ("flagged", "COUNT(*) FILTER (WHERE is_flagged)"),
        ("excluded", "COUNT(*) FILTER (WHERE is_excluded)"),
    ]
    return out


NEW_COLUMNS = [
    name
    for name, _sql in _columns("postgresql")
    if name != "responses" and not (name[0] == "u" and name[2] == "_" and len(name) == 4)
]


def rebuild(apps, schema_editor):
    connection = schema_editor.connection
    columns = _columns(connection.vendor)
    names = ", ".join(name for name, _sql in columns)
    sums = ", ".join(sql for _name, sql in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute("DELETE FROM surveys_dailyrollup")
        cursor.execute(
            f"INSERT INTO surveys_dailyrollup (unit_id, service_id, day, channel, "
            f"{names}) SELECT unit_id, service_id, day, channel, {sums} "
            "FROM surveys_response GROUP BY unit_id, service_id, day, channel"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_standard_complaint_limits"),
        ("surveys", "0010_response_indexes"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="dailyrollup",
                name=name,
                field=models.IntegerField(default=0),
            )
            for name in NEW_COLUMNS
        ),
        # The comments index of 0010 ordered a unit's comments by time only; a
        # period's read starts at its last day, so the day comes first.
        migrations.RemoveIndex(model_name="response", name="response_comments"),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(
                    models.Q(("comment", ""), _negated=True), ("is_excluded", False)
                ),
                fields=["unit", "-day", "-submitted_at", "-id"],
                name="response_comments",
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
