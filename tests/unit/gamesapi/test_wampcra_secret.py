"""The WAMP-CRA parameters taken from a Django PBKDF2 hash reproduce autobahn's derived key."""
import pytest
from autobahn.wamp.auth import derive_key
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from demo.gamesapi.games.wampcra import WAMPCRA_KEYLEN, wampcra_secret


def test_secret_equals_the_key_autobahn_derives_from_the_password():
    encoded = PBKDF2PasswordHasher().encode("a1", "s4ltS4lt", iterations=1200)

    params = wampcra_secret(encoded)

    assert params == {"salt": "s4ltS4lt", "iterations": 1200, "keylen": 32, "secret": encoded.split("$")[3]}
    derived = derive_key("a1", params["salt"], params["iterations"], WAMPCRA_KEYLEN)
    assert derived.decode() == params["secret"]


def test_a_different_password_derives_a_different_key():
    params = wampcra_secret(PBKDF2PasswordHasher().encode("a1", "salty", iterations=1000))
    assert derive_key("a2", params["salt"], params["iterations"], 32).decode() != params["secret"]


@pytest.mark.parametrize("encoded", [
    "!unusable-password",
    "",
    "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
    "pbkdf2_sha1$1000$salt$digest",
    "pbkdf2_sha256$many$salt$digest",
    "pbkdf2_sha256$0$salt$digest",
    "pbkdf2_sha256$1000$$digest",
    "pbkdf2_sha256$1000$salt$",
])
def test_hashes_that_no_wampcra_secret_matches_give_none(encoded):
    assert wampcra_secret(encoded) is None
