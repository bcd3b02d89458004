"""Indonesian: "4 Des 2026", "4 Des 2026 08.05" (a dot between hours and minutes,
as Indonesian writes times)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H.i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H.i"
MONTH_DAY_FORMAT = "j M"
