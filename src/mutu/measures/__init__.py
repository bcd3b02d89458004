"""Pure-Python measurement core of Mutu: no Django, no database, exact arithmetic.

Modules: ``skm`` (SKM IKM, PermenPANRB 14/2017), ``tally`` and ``skm_csv`` (answer
counts), ``sampling`` (Krejcie & Morgan), ``uncertainty`` (intervals and tests),
``evaluation`` and ``instrument`` (PEKPPP IPP; ``instrument_fields`` reads the
files), ``feeds`` and ``feed_sources`` (levels proposed from measured figures, D11),
``comparison`` (regional figures and fair rankings, D10, D12), ``predicates``
(grade tables), ``standards`` (service-standard components), ``cli``
(``mutu measure``). Every rule cites docs/regulations.md (docs/regulations.md); bad input
raises ``errors.MeasureInputError``.
"""
