"""Writes of the evaluation workflow: open → self-assess → verify → F-03 → finalize →
publish → certificate. Every change is audited (who, when, old → new, why).

Split by sub-domain (STYLE.md §1): :mod:`mutu.evaluations.services.cycles` (open,
deadlines, evaluators, publish), :mod:`mutu.evaluations.services.self_assessment`
(F-01), :mod:`mutu.evaluations.services.verification` (F-02, revision, field
visits), :mod:`mutu.evaluations.services.user_assessment` (F-03) and
:mod:`mutu.evaluations.services.results` (finalize, revise, certificates), over the
shared :mod:`mutu.evaluations.services.rules`. Every public name is re-exported here:
``from mutu.evaluations import services`` and ``services.cycle_open(...)`` work as
before.
"""

from mutu.evaluations.services.cycles import (
    cycle_deadlines_set,
    cycle_open,
    cycle_publish,
    cycle_signing_set,
    evaluators_assign,
)
from mutu.evaluations.services.instruments import (
    instrument_version_retire,
    instrument_version_upload,
)
from mutu.evaluations.services.results import (
    certificate_issue,
    result_finalize,
    result_revise,
)
from mutu.evaluations.services.self_assessment import (
    evidence_add,
    self_answer_save,
    self_assessment_submit,
)
from mutu.evaluations.services.user_assessment import (
    user_assessment_add,
    user_form_for,
)
from mutu.evaluations.services.verification import (
    indicator_score,
    revision_request,
    visit_record,
)

__all__ = [
    "certificate_issue",
    "cycle_deadlines_set",
    "cycle_open",
    "cycle_publish",
    "cycle_signing_set",
    "evaluators_assign",
    "evidence_add",
    "indicator_score",
    "instrument_version_retire",
    "instrument_version_upload",
    "result_finalize",
    "result_revise",
    "revision_request",
    "self_answer_save",
    "self_assessment_submit",
    "user_assessment_add",
    "user_form_for",
    "visit_record",
]
