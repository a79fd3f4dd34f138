"""From a Django password hash to the parameters of a WAMP-CRA salted challenge (pure, no Django).

Django's `pbkdf2_sha256$<iterations>$<salt>$<digest>` digest is base64(PBKDF2-HMAC-SHA256(password,
salt, iterations, 32 bytes)), which is exactly what `autobahn.wamp.auth.derive_key(password, salt,
iterations, 32)` computes on the client. So the router can challenge a player with the stored digest
as the secret, and no plaintext password is kept or sent.

Not for: looking users up or checking permissions (users.WampCraView does that).
"""
from __future__ import annotations

PBKDF2_ALGORITHM = "pbkdf2_sha256"
WAMPCRA_KEYLEN = 32  # bytes of a SHA-256 digest: the length of Django's PBKDF2 digest


def wampcra_secret(password_hash: str) -> dict | None:
    """`{"salt", "iterations", "keylen", "secret"}` from a PBKDF2-SHA256 hash, else None.

    None for any other kind of hash, or an unusable password, since no WAMP-CRA secret matches it.
    """
    parts = password_hash.split("$")
    if len(parts) != 4 or parts[0] != PBKDF2_ALGORITHM or not parts[1].isdigit():
        return None
    _, iterations, salt, digest = parts
    if not salt or not digest or int(iterations) <= 0:
        return None
    return {"salt": salt, "iterations": int(iterations), "keylen": WAMPCRA_KEYLEN, "secret": digest}
