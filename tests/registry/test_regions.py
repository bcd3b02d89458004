"""Loading the Kemendagri region tree from idn-area-data 4.0.1."""

from mutu.registry.models import Region
from mutu.registry.regions import regions_load


def test_regions_load_yields_38_provinces_and_514_regencies(db):
    """The shipped data set has every province and regency/city of Indonesia."""
    report = regions_load()
    assert report.created == 1 + 38 + 514
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    assert (
        Region.objects.filter(
            level__in=[Region.Level.REGENCY, Region.Level.CITY]
        ).count()
        == 514
    )
    assert Region.objects.filter(level=Region.Level.CITY).count() == 98


def test_regions_load_puts_pesawaran_under_lampung(db):
    """Kabupaten Pesawaran (18.09) is a regency of Lampung (18), found by path."""
    regions_load()
    pesawaran = Region.objects.get(code="18.09")
    assert pesawaran.name == "Kabupaten Pesawaran"
    assert pesawaran.level == Region.Level.REGENCY
    assert pesawaran.parent.code == "18"
    assert pesawaran.parent.name == "Lampung"
    assert pesawaran.path == "/ID/18/18.09/"
    assert Region.objects.filter(path__startswith="/ID/18/").count() == 16


def test_regions_load_twice_changes_nothing(db):
    """A second load creates and updates nothing: the command is idempotent."""
    regions_load()
    before = list(Region.objects.values_list("code", "name", "path", "updated_at"))
    report = regions_load()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 553)
    assert (
        list(Region.objects.values_list("code", "name", "path", "updated_at")) == before
    )


def test_regions_load_repairs_a_renamed_region(db):
    """A region whose name was changed by hand is restored from the data set."""
    regions_load()
    Region.objects.filter(code="18.09").update(name="Salah")
    report = regions_load()
    assert report.updated == 1
    assert Region.objects.get(code="18.09").name == "Kabupaten Pesawaran"


def test_regions_command_prints_counts(db, capsys):
    """`mutu registry load-regions` reports what it did."""
    from django.core.management import call_command

    call_command("registry", "load-regions")
    assert "553 total" in capsys.readouterr().out
