"""The content hash of a response: one function for every write path."""

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from mutu.surveys.hashing import response_content_hash

answers = st.lists(st.sampled_from([None, 1, 2, 3, 4]), min_size=9, max_size=9)
text = st.text(max_size=40)
extra = st.dictionaries(
    st.sampled_from([f"X{n}" for n in range(1, 6)]), st.integers(1, 4), max_size=5
)


def _json_dumps_hash(content):
    """The spelling every stored hash was made with: sorted keys, no spaces, ASCII."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@given(
    unit=st.integers(1, 10**6),
    service=st.integers(1, 10**6),
    point=st.one_of(st.none(), st.integers(1, 10**6)),
    channel=st.sampled_from(["qr", "kiosk", "sms", "whatsapp", "paper", "api"]),
    answers=answers,
    sex=st.sampled_from(["", "L", "P"]),
    age=st.one_of(st.none(), st.integers(15, 100)),
    education=text,
    occupation=text,
    comment=text,
    extra=extra,
)
def test_content_hash_equals_the_json_of_the_content(
    unit,
    service,
    point,
    channel,
    answers,
    sex,
    age,
    education,
    occupation,
    comment,
    extra,
):
    """The hand-written canonical JSON hashes byte for byte like ``json.dumps`` of
    the content, so hashes stored before it was written still match a retry."""
    expected = _json_dumps_hash(
        {
            "unit": unit,
            "service": service,
            "point": point,
            "channel": channel,
            "answers": {f"U{n}": value for n, value in enumerate(answers, 1)},
            "profile": {
                "sex": sex,
                "education": education,
                "occupation": occupation,
                "age": age,
            },
            "comment": comment,
            "extra": extra,
        }
    )
    assert (
        response_content_hash(
            unit_id=unit,
            service_id=service,
            point_id=point,
            channel=channel,
            answers=answers,
            sex=sex,
            age=age,
            education=education,
            occupation=occupation,
            comment=comment,
            extra=extra,
        )
        == expected
    )


def test_content_hash_of_a_known_response_is_stable():
    """A fixed response keeps its hash across releases (stored ids depend on it)."""
    fingerprint = response_content_hash(
        unit_id=5,
        service_id=12,
        point_id=None,
        channel="paper",
        answers=[4, None, 3, 1, 2, None, 4, 4, 3],
        sex="P",
        age=34,
        education="S1",
        occupation="",
        comment='Kata "bagus"\n\ttab \\ garis 😊',
        extra={},
    )
    assert fingerprint == _json_dumps_hash(
        {
            "answers": dict(
                zip(
                    [f"U{n}" for n in range(1, 10)],
                    [4, None, 3, 1, 2, None, 4, 4, 3],
                    strict=True,
                )
            ),
            "channel": "paper",
            "comment": 'Kata "bagus"\n\ttab \\ garis 😊',
            "extra": {},
            "point": None,
            "profile": {"age": 34, "education": "S1", "occupation": "", "sex": "P"},
            "service": 12,
            "unit": 5,
        }
    )
