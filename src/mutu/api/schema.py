"""Adjustments to the generated OpenAPI document (drf-spectacular post-processing)."""

from typing import Any

CLOSED_COMPONENTS = ("SkmResponseInput", "Profile")
"""Objects whose unknown keys the API refuses (docs/api.md: "Unknown keys (at the top
level and in profile) are refused"), from ``surveys.channels.api.items``."""


def refuse_unknown_keys(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Say ``additionalProperties: false`` where the API refuses unknown keys.

    drf-spectacular leaves serializers open; without this the schema promises that a
    typo such as ``"answer"`` is accepted, and a generated client or a fuzzer sends
    keys that are always refused (400).
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name in CLOSED_COMPONENTS:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    return result
