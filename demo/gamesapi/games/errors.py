"""DRF exception handler: database uniqueness violations become 400s, and 404s read as the reference's.

* Serializers check uniqueness before saving, but two requests can pass that check at once (or two
  items of one bulk request can clash); the database constraint then decides, and the client gets
  a 400 `non_field_errors`, not a 500.
* A missing object answers `{"detail": "Not found."}` as DRF 3.12 (the reference) did; newer DRF
  would name the model ("No Game matches the given query.").

Not for: other errors; everything else goes to DRF's default handler.
"""
from django.db import IntegrityError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [f"This object clashes with an existing one: {_reason(exc)}"]},
            status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = NotFound()
    return drf_exception_handler(exc, context)


def _reason(exc: IntegrityError) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else "a uniqueness constraint failed"
