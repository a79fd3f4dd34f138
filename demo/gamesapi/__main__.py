"""`python -m demo.gamesapi <command>`: Django's manage.py for the games API (migrate, ensure_staff, ...).

Not for: serving requests; run gunicorn on `demo.gamesapi.wsgi:application` (or use
`demo.gamesapi.server.GamesApiServer`).
"""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.gamesapi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m demo.gamesapi", *sys.argv[1:]])


if __name__ == "__main__":
    main()
