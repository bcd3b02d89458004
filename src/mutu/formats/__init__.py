"""Mutu's date formats: one per language, used on every page (issue 10 item 7).

``FORMAT_MODULE_PATH`` points here; Django looks a format up in these modules
first and falls back to its own locale files for everything not set here (input
formats, separators), so only what people read is pinned.
"""
