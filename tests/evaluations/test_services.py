"""Rules of the evaluation services that the HTTP workflow does not reach."""

from datetime import date

import pytest

from mutu.errors import MutuError
from mutu.evaluations.evidence import sniff
from mutu.evaluations.feeds import feeds_for
from mutu.evaluations.models import Cycle
from mutu.evaluations.services import cycle_instrument, cycle_open


def _open(world, actor, scheme, units, region=None, **extra):
    return cycle_open(
        actor=actor,
        year=2026,
        name=extra.pop("name", "Uji"),
        scheme=scheme,
        region=region or world.pesawaran,
        units=units,
        self_assessment_due=extra.pop("self_due", date(2026, 5, 1)),
        verification_due=date(2026, 6, 1),
    )


def test_coordinator_opens_a_mandiri_round_in_its_region(world):
    """A regency coordinator opens PEKPPP Mandiri for its own units."""
    cycle = _open(world, world.coordinator, "mandiri", [world.dukcapil, world.dinsos])
    assert cycle.assignments.count() == 2
    assert cycle.instrument_version == "2022"


def test_coordinator_cannot_open_a_national_cycle(world):
    with pytest.raises(MutuError, match="tidak berwenang"):
        _open(world, world.coordinator, "nasional", [world.dukcapil])
    assert not Cycle.objects.exists()


def test_units_outside_the_region_are_refused(world):
    with pytest.raises(MutuError, match="di luar wilayah"):
        _open(world, world.admin, "nasional", [world.dukcapil, world.dukcapil_bandung])
    assert not Cycle.objects.exists()


def test_deadlines_out_of_order_are_refused(world):
    with pytest.raises(MutuError, match="Tenggat verifikasi"):
        _open(
            world, world.admin, "nasional", [world.dukcapil], self_due=date(2026, 7, 1)
        )


def test_cycle_keeps_its_instrument_version(world):
    """A cycle whose stored version differs from the file is refused, never re-scored."""
    cycle = _open(world, world.admin, "nasional", [world.dukcapil])
    Cycle.objects.filter(pk=cycle.pk).update(instrument_version="1999")
    cycle.refresh_from_db()
    with pytest.raises(MutuError, match="berubah"):
        cycle_instrument(cycle)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00", "image/jpeg"),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_sniff_recognises_only_pdf_png_jpeg(head, expected):
    assert sniff(head) == expected


def test_feeds_describe_their_source(world):
    """Q1 is fed from the registry: one standard with 1/14 components gives level 1."""
    feeds = feeds_for(world.dukcapil, 2026)
    assert feeds["Q1"]["level"] == 1
    assert "14 komponen" in feeds["Q1"]["how"]
    assert feeds["Q6"]["level"] == 0
    assert feeds["Q25"]["level"] is None


def test_coordinator_sees_the_cycle_it_opened(world, client):
    """The regency coordinator (government scope) can open its Mandiri cycle's page."""
    from django.urls import reverse

    cycle = _open(world, world.coordinator, "mandiri", [world.dukcapil])
    client.force_login(world.coordinator)
    assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 200
    client.force_login(world.province_coordinator)
    assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 200
    client.force_login(world.operator)
    assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 404
