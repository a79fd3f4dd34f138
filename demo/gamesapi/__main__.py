"""`python -m demo.gamesapi <command>`: Django's manage.py for the games API (migrate, ensure_staff, ...).

Not for: serving requests; run gunicorn on `demo.gamesapi.wsgi:application` (or use
`demo.gamesapi.server.GamesApiServer`).
"""
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.gamesapi.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([f"{sys.executable} -m demo.gamesapi", *sys.argv[1:]])
    except ImproperlyConfigured as exc:  # a bad environment variable: say which, not a traceback
        print(f"gamesapi: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
