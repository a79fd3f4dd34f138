"""The password hasher of the demo games API: Django's PBKDF2-SHA256 with a configurable cost.

Why: Django 5.2 hashes with 1,000,000 iterations, about a CPU-second per login on the demo machine;
hundreds of simulated players logging in (WAMP-CRA derives the same key on the client) would spend
minutes just hashing. The iteration count comes from settings.SIMPL_PASSWORD_ITERATIONS (env
SIMPL_PASSWORD_ITERATIONS, default 20000). Hashes keep the standard `pbkdf2_sha256$...` format, so
any Django can verify them and `autobahn.wamp.auth.derive_key` reproduces the digest.

Not for: choosing iterations per user; existing hashes keep theirs until the user logs in again
(Django then re-hashes with the current count).
"""
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class SettingsIterationsPBKDF2Hasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 (algorithm name `pbkdf2_sha256`) with iterations read from settings."""

    @property  # type: ignore[override]
    def iterations(self) -> int:
        return int(settings.SIMPL_PASSWORD_ITERATIONS)
