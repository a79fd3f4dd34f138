"""DRF exception handler: a database uniqueness violation is the client's fault (400), not a 500.

Serializers check uniqueness before saving, but two requests can pass that check at once (or two
items of one bulk request can clash); the database constraint then decides, and we answer as DRF's
own unique-together validator would.

Not for: other errors; everything else goes to DRF's default handler.
"""
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [f"This object clashes with an existing one: {_reason(exc)}"]},
            status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def _reason(exc: IntegrityError) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else "a uniqueness constraint failed"
