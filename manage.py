#!/usr/bin/env python
"""Django's command-line utility for this checkout; mainly `./manage.py profile`.

Settings default to `demo.profiler_settings` (the small settings module for profiling a
game: GAME_SLUG from the environment, everything else through modelservice.conf).
"""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.profiler_settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise SystemExit(
            f"Django is not importable ({exc}); activate the virtualenv (.venv/bin/python manage.py ...) "
            "or pip install -r requirements.txt") from None
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
