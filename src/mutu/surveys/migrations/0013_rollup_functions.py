"""PostgreSQL: a submission's rollup upserts as functions planned once per
connection (``mutu.surveys.rollups.rollup_functions``; docs/scaling.md "The
submission path"). Nothing on SQLite.

The functions add the rollup columns as they are at this migration, listed here
in the order the code sends them (``rollups.COUNT_FIELDS``), and their names carry
a digest of that list. Code whose columns differ calls names no migration made,
so a change of ``COUNT_FIELDS`` needs a new migration with the new list, which
makes the new functions and drops these (``tests/surveys/test_rollups.py`` fails
until it exists).
"""

from django.db import migrations

COUNT_COLUMNS = """
responses u1_1 u1_2 u1_3 u1_4 u2_1 u2_2 u2_3 u2_4 u3_1 u3_2 u3_3 u3_4 u4_1 u4_2
u4_3 u4_4 u5_1 u5_2 u5_3 u5_4 u6_1 u6_2 u6_3 u6_4 u7_1 u7_2 u7_3 u7_4 u8_1 u8_2
u8_3 u8_4 u9_1 u9_2 u9_3 u9_4 u1u2_n u1u2_a u1u2_b u1u2_ab u1u3_n u1u3_a u1u3_b
u1u3_ab u1u4_n u1u4_a u1u4_b u1u4_ab u1u5_n u1u5_a u1u5_b u1u5_ab u1u6_n u1u6_a
u1u6_b u1u6_ab u1u7_n u1u7_a u1u7_b u1u7_ab u1u8_n u1u8_a u1u8_b u1u8_ab u1u9_n
u1u9_a u1u9_b u1u9_ab u2u3_n u2u3_a u2u3_b u2u3_ab u2u4_n u2u4_a u2u4_b u2u4_ab
u2u5_n u2u5_a u2u5_b u2u5_ab u2u6_n u2u6_a u2u6_b u2u6_ab u2u7_n u2u7_a u2u7_b
u2u7_ab u2u8_n u2u8_a u2u8_b u2u8_ab u2u9_n u2u9_a u2u9_b u2u9_ab u3u4_n u3u4_a
u3u4_b u3u4_ab u3u5_n u3u5_a u3u5_b u3u5_ab u3u6_n u3u6_a u3u6_b u3u6_ab u3u7_n
u3u7_a u3u7_b u3u7_ab u3u8_n u3u8_a u3u8_b u3u8_ab u3u9_n u3u9_a u3u9_b u3u9_ab
u4u5_n u4u5_a u4u5_b u4u5_ab u4u6_n u4u6_a u4u6_b u4u6_ab u4u7_n u4u7_a u4u7_b
u4u7_ab u4u8_n u4u8_a u4u8_b u4u8_ab u4u9_n u4u9_a u4u9_b u4u9_ab u5u6_n u5u6_a
u5u6_b u5u6_ab u5u7_n u5u7_a u5u7_b u5u7_ab u5u8_n u5u8_a u5u8_b u5u8_ab u5u9_n
u5u9_a u5u9_b u5u9_ab u6u7_n u6u7_a u6u7_b u6u7_ab u6u8_n u6u8_a u6u8_b u6u8_ab
u6u9_n u6u9_a u6u9_b u6u9_ab u7u8_n u7u8_a u7u8_b u7u8_ab u7u9_n u7u9_a u7u9_b
u7u9_ab u8u9_n u8u9_a u8u9_b u8u9_ab sex_l sex_p sex_blank education_sd
education_smp education_sma education_d1_d3 education_s1 education_s2
education_s3 education_blank occupation_pns occupation_tni occupation_polri
occupation_swasta occupation_wirausaha occupation_lainnya occupation_blank
age_15 age_25 age_35 age_45 age_55 age_65 age_blank x1_1 x1_2 x1_3 x1_4 x2_1
x2_2 x2_3 x2_4 x3_1 x3_2 x3_3 x3_4 x4_1 x4_2 x4_3 x4_4 x5_1 x5_2 x5_3 x5_4
flagged excluded
""".split()


def functions_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from mutu.surveys.rollups import rollup_functions_sql

    for statement in rollup_functions_sql(COUNT_COLUMNS, revision=False):
        schema_editor.execute(statement)


def functions_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from mutu.surveys.rollups import rollup_functions_drop_sql

    for statement in rollup_functions_drop_sql(COUNT_COLUMNS):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0012_monthly_rollups")]

    operations = [migrations.RunPython(functions_create, functions_drop)]
