"""HTTP Basic authentication (email + password) that does not re-run PBKDF2 on every request.

Why: the model services and the seeder send the same staff credentials on every request. Checking
them costs one PBKDF2 derivation (about 20 ms at 20000 iterations, a CPU-second at Django's
default), which would make password hashing, not the game, the bottleneck the profiler measures.
After a successful check, each worker process remembers a keyed digest of (email, password) with
the user's current password hash for SIMPL_BASIC_AUTH_CACHE_SECONDS; a later request with the same
pair is accepted only while that user is still active and still has that exact hash, so changing
the password or deactivating the user takes effect on the next request.

Not for: token or session auth (the demo has neither), or sharing the cache between processes.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authentication import BasicAuthentication

from .password_cache import VerifiedPasswordCache

_cache = VerifiedPasswordCache()


class CachedBasicAuthentication(BasicAuthentication):
    """DRF Basic auth by email; 401 with `WWW-Authenticate: Basic realm="api"` when missing or wrong."""

    def authenticate_credentials(self, userid, password, request=None):
        ttl = settings.SIMPL_BASIC_AUTH_CACHE_SECONDS
        now = time.monotonic()
        if ttl:
            hit = _cache.get(userid, password, now)
            if hit is not None:
                user_pk, password_hash = hit
                user = get_user_model().objects.filter(pk=user_pk).first()
                if user is not None and user.is_active and user.password == password_hash:
                    return user, None
        user, auth = super().authenticate_credentials(userid, password, request)
        if ttl:
            # user.password is read after the check, which may have re-hashed it with new iterations.
            _cache.put(userid, password, user.pk, user.password, now + ttl)
        return user, auth
