"""``mutu bench generate``: fill an empty database with synthetic national data.

    mutu bench generate [--preset regency|province|nation] [--units N]
                        [--responses M] [--seed S] [--year Y]

``--units``/``--responses`` override the preset's sizes (default preset: nation
scope, sizes as given). Prints each stage with its rows and speed, then the
total. PostgreSQL writes with COPY; see docs/scaling.md.
"""

from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from mutu.benchdata.generate import benchdata_generate
from mutu.benchdata.plan import PRESETS, Plan
from mutu.errors import MutuError


class Command(BaseCommand):
    help = "Benchmark: data sintetis nasional / synthetic national data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        generate = sub.add_parser(
            "generate", help="Isi basis data kosong dengan data sintetis."
        )
        generate.add_argument("--preset", choices=sorted(PRESETS))
        generate.add_argument("--units", type=int, help="Jumlah unit pelayanan.")
        generate.add_argument("--responses", type=int, help="Jumlah respons SKM.")
        generate.add_argument("--seed", type=int, default=1)
        generate.add_argument("--year", type=int, help="Tahun respons (bawaan 2025).")

    def handle(self, *args, **options):
        base = PRESETS[options["preset"]] if options["preset"] else None
        if base is None and (options["units"] is None or options["responses"] is None):
            raise CommandError(
                "Beri --preset, atau --units dan --responses / "
                "give --preset, or --units and --responses."
            )
        plan = base or Plan(units=options["units"], responses=options["responses"])
        changes = {
            key: options[key]
            for key in ("units", "responses", "year")
            if options[key] is not None
        }
        plan = replace(plan, seed=options["seed"], **changes)

        def stage(name: str, rows: int, seconds: float) -> None:
            speed = f", {rows / seconds:,.0f} baris/s" if rows and seconds else ""
            self.stdout.write(f"  {name:11} {rows:>12,} baris {seconds:8.2f} s{speed}")

        self.stdout.write(
            f"Data sintetis: {plan.units:,} unit, {plan.responses:,} respons, "
            f"tahun {plan.year}, seed {plan.seed}, wilayah {plan.scope or 'nasional'}"
        )
        try:
            report = benchdata_generate(plan=plan, on_stage=stage)
        except MutuError as error:
            raise CommandError(error.message_id) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai: {report.rows:,} baris dalam {report.total_seconds:.1f} s; "
                f"respons {report.responses_per_second:,.0f}/s."
            )
        )
