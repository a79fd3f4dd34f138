"""WSGI entry point of the demo games API: `gunicorn demo.gamesapi.wsgi:application`.

Not for: anything else; settings live in `demo.gamesapi.settings`.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.gamesapi.settings")

application = get_wsgi_application()
