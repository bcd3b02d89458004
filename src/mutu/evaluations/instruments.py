"""Which instrument a cycle is scored with (docs/regulations.md D8: kept forever)."""

from mutu.errors import MutuError
from mutu.evaluations.models import Cycle
from mutu.measures.instrument import Instrument, load_instrument


def cycle_instrument(cycle: Cycle) -> Instrument:
    """The instrument the cycle was opened with (D8: kept forever)."""
    instrument = load_instrument(cycle.instrument_id)
    if instrument.version != cycle.instrument_version:
        raise MutuError(
            f"Versi instrumen {cycle.instrument_id} berubah; siklus memakai "
            f"{cycle.instrument_version}.",
            f"Instrument {cycle.instrument_id} changed; the cycle uses "
            f"{cycle.instrument_version}.",
        )
    return instrument
