"""A bounded, thread-safe memory of (email, password) pairs that recently passed a password check.

Keys are HMAC-SHA256 digests under a per-process random key, so neither the passwords nor the
digests mean anything outside this process. See auth.py for how the API uses it.

Not for: deciding whether a password is right; a hit only says which user and which stored hash the
pair matched last time, and the caller must confirm that hash is still the user's.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

_MAX_ENTRIES = 10_000


class VerifiedPasswordCache:
    """A bounded, thread-safe map from a keyed digest of (email, password) to (user pk, hash)."""

    def __init__(self, max_entries: int = _MAX_ENTRIES) -> None:
        # A per-process random key, so the digests are useless outside this process.
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, tuple[int, str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def _digest(self, email: str, password: str) -> bytes:
        return hmac.new(self._key, f"{email}\0{password}".encode(), hashlib.sha256).digest()

    def get(self, email: str, password: str, now: float) -> tuple[int, str] | None:
        digest = self._digest(email, password)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if entry[2] <= now:
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return entry[0], entry[1]

    def put(self, email: str, password: str, user_pk: int, password_hash: str, expires: float) -> None:
        digest = self._digest(email, password)
        with self._lock:
            self._entries[digest] = (user_pk, password_hash, expires)
            self._entries.move_to_end(digest)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
