"""``mutu instruments list``: every instrument version, shipped and uploaded (D19).

``mutu measure instruments`` lists the shipped files without a database; this
command adds the versions national admins uploaded, with their checksums and
whether they are retired.
"""

import json

from django.core.management.base import BaseCommand

from mutu.evaluations.instruments import instrument_catalogue


class Command(BaseCommand):
    help = "Instrumen evaluasi: daftar versi bawaan dan unggahan / Instrument versions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        listing = sub.add_parser(
            "list", help="Daftar versi instrumen (bawaan dan unggahan)."
        )
        listing.add_argument("--json", action="store_true", help="keluaran JSON")

    def handle(self, *args, **options):
        entries = instrument_catalogue()
        rows = [
            {
                "id": e.instrument.id,
                "version": e.instrument.version,
                "kind": e.instrument.kind,
                "origin": "bawaan" if e.shipped else "unggahan",
                "status": "dipensiunkan" if e.retired else "dipakai",
                "sha256": e.sha256,
                "title": e.instrument.title,
            }
            for e in entries
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            self.stdout.write(
                f"{r['id']:<{width}}  {r['version']:<8}  {r['origin']:<8}  "
                f"{r['status']:<12}  {r['sha256'][:12]}  {r['title']}"
            )
