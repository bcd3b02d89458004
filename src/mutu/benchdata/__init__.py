"""Synthetic national data for benchmarks: ``mutu bench generate``.

Fills an empty database with every region, governments, service units, services,
counters, MPP venues, a year of SKM responses (with integrity flags), their rollups
and one evaluation cycle, fast: rows are written with PostgreSQL's ``COPY``
(psycopg 3's ``write_row``), never through the ORM, with ids assigned by the
generator so that a seed always gives the same database. On SQLite (the tests) the
same rows go through ``executemany``. Nothing here is a business write: no audit
row, no service rule; it exists to measure Mutu at national scale (issue 14).
"""
