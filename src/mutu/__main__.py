"""The ``mutu`` command: Django's management commands plus Mutu's own.

``mutu measure …`` runs the formulas of :mod:`mutu.measures` without touching
Django or a database; everything else goes to Django's command line.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``mutu`` with *argv* (defaults to ``sys.argv``) and return the exit code."""
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "measure":
        from mutu.measures.cli import main as measure_main

        return measure_main(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
