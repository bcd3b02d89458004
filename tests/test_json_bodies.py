"""Every JSON body is read with a nesting limit (mutu.json_bodies)."""

import json

import pytest

from mutu.json_bodies import JSON_MAX_DEPTH, JsonBodyError, json_body_parse


def _nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def test_body_at_the_depth_limit_parses():
    """32 nested arrays or objects are read as usual."""
    assert JSON_MAX_DEPTH == 32
    data = json_body_parse(_nested_objects(JSON_MAX_DEPTH).encode())
    for _ in range(JSON_MAX_DEPTH - 1):
        data = data["a"]
    assert data == {"a": 1}
    assert json_body_parse(_nested_lists(JSON_MAX_DEPTH))[0][0] is not None


@pytest.mark.parametrize(
    "body",
    [
        _nested_lists(JSON_MAX_DEPTH + 1),
        _nested_objects(JSON_MAX_DEPTH + 1),
        '{"entry": [' * 20 + "1" + "]}" * 20,
        _nested_lists(100_000),
        _nested_objects(20_000),
    ],
    ids=["lists-33", "objects-33", "mixed-40", "lists-100000", "objects-20000"],
)
def test_body_past_the_depth_limit_is_refused_not_a_crash(body):
    """One level past the limit, or 100,000 (past Python's own recursion limit), is
    a JsonBodyError naming the limit, never a RecursionError."""
    with pytest.raises(JsonBodyError) as refused:
        json_body_parse(body.encode())

    assert refused.value.reason == "too_deep"
    assert "paling banyak 32 tingkat" in refused.value.message_id
    assert "at most 32 levels" in refused.value.message_en


def test_wide_bodies_are_not_deep():
    """Depth counts nesting, not size: 10,000 sibling objects are one level down."""
    body = json.dumps([{"answers": {"U1": 4}} for _ in range(10_000)])
    assert len(json_body_parse(body)) == 10_000


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"\xff\xfe\x00", b"[NaN]", b'{"a": Infinity}', b"{'a': 1}"],
    ids=["empty", "truncated", "not-utf8", "nan", "infinity", "single-quotes"],
)
def test_what_is_not_json_is_refused_as_invalid(body):
    """Broken bodies, and NaN/Infinity (not JSON by RFC 8259), are refused."""
    with pytest.raises(JsonBodyError) as refused:
        json_body_parse(body)

    assert refused.value.reason == "invalid"
    assert refused.value.message_en == "The request body is not valid JSON."


def test_utf16_bodies_are_read_as_rfc_8259_allows():
    """A body in UTF-16 is detected and read."""
    assert json_body_parse('{"comment": "Pelayanan cepat"}'.encode("utf-16")) == {
        "comment": "Pelayanan cepat"
    }
