"""English: "4 Dec 2026", "4 Dec 2026 08:05" (day first, as in Indonesia, so the
two languages read the same date the same way round)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
