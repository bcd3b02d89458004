"""The paper channel: SKM forms filled in on paper, typed into an XLSX template.

PermenPANRB 14/2017 lets a unit run its survey on paper; the forms are typed later
into the template built here (one row per form: the date, the service, U1…U9 and the
respondent profile of docs/regulations.md §1.5). Answers are keyed by element code
(docs/regulations.md D4), never by column position, so the header names the columns
and their order is free.

- :mod:`~mutu.surveys.channels.paper.layout`: sheet names, columns, content types;
  :mod:`~mutu.surveys.channels.paper.template`: the template to download;
  :mod:`~mutu.surveys.channels.paper.workbook`: the file check and opening the sheet.
- :mod:`~mutu.surveys.channels.paper.rows` checks every row, one cell at a time
  (:mod:`~mutu.surveys.channels.paper.cells`), against the surveys core's rules;
  :mod:`~mutu.surveys.channels.paper.results` is what the check gives back.
- :mod:`~mutu.surveys.channels.paper.upload` takes the file in the request;
  the task :func:`mutu.surveys.tasks.import_job_process` runs
  :mod:`~mutu.surveys.channels.paper.jobs` in the worker, which stores the rows
  through the core's bulk writer (:mod:`mutu.surveys.bulk`).
- :mod:`~mutu.surveys.channels.paper.views` and ``urls`` are the pages;
  :mod:`~mutu.surveys.channels.paper.selectors` their reads.
"""
