"""The per-process memory of verified Basic-auth passwords: hits, expiry, bounds, no plaintext."""
from demo.gamesapi.games.password_cache import VerifiedPasswordCache


def test_a_stored_pair_is_found_until_it_expires():
    cache = VerifiedPasswordCache()
    cache.put("a1@calc.edu", "a1", 7, "pbkdf2_sha256$1$s$d", expires=100.0)

    assert cache.get("a1@calc.edu", "a1", now=99.0) == (7, "pbkdf2_sha256$1$s$d")
    assert cache.get("a1@calc.edu", "a1", now=100.0) is None
    assert cache.get("a1@calc.edu", "a1", now=50.0) is None  # an expired entry is dropped


def test_another_password_or_email_misses():
    cache = VerifiedPasswordCache()
    cache.put("a1@calc.edu", "a1", 7, "h", expires=100.0)

    assert cache.get("a1@calc.edu", "wrong", now=1.0) is None
    assert cache.get("a2@calc.edu", "a1", now=1.0) is None
    # The separator keeps ("a", "b:c") and ("a:b", "c")-style pairs apart.
    cache.put("x", "yz", 1, "h", expires=100.0)
    assert cache.get("xy", "z", now=1.0) is None


def test_the_least_recently_used_entry_goes_first_when_full():
    cache = VerifiedPasswordCache(max_entries=2)
    cache.put("a", "1", 1, "h1", expires=100.0)
    cache.put("b", "2", 2, "h2", expires=100.0)
    assert cache.get("a", "1", now=1.0) == (1, "h1")  # now "b" is the oldest
    cache.put("c", "3", 3, "h3", expires=100.0)

    assert cache.get("b", "2", now=1.0) is None
    assert cache.get("a", "1", now=1.0) == (1, "h1")
    assert cache.get("c", "3", now=1.0) == (3, "h3")


def test_passwords_are_not_kept_in_clear():
    cache = VerifiedPasswordCache()
    cache.put("a1@calc.edu", "very-secret-password", 7, "h", expires=100.0)
    assert b"very-secret-password" not in repr(cache._entries).encode()
    assert all(len(key) == 32 for key in cache._entries)
