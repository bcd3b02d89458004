"""Storing many SKM responses at once: the bulk twin of ``response_submit``.

:func:`mutu.surveys.bulk.store.responses_store_bulk` writes what
``response_submit`` would write row by row (the same columns, content hash,
integrity flags and rollup counts, from the same rules in
:mod:`mutu.surveys.rules`, :mod:`mutu.surveys.hashing`,
:mod:`mutu.surveys.integrity` and :mod:`mutu.surveys.rollups`) without its
queries per row: one COPY on PostgreSQL (:mod:`~mutu.surveys.bulk.writers`),
``bulk_create`` elsewhere. The paper import is its caller.
"""
