"""Caller identity (§B.6): which user a call is made as, by role."""
import asyncio

import pytest

from demo.model_service.errors import CallerError
from demo.model_service.identity import UserKey, find_runuser, identify_caller, load_user

from .conftest import seed_calc


def test_profiler_user_email_is_taken_out_of_the_kwargs():
    key, kwargs = identify_caller("profiler", "profiler", {"user_email": "a1@calc.edu", "x": 1})
    assert key == UserKey("email", "a1@calc.edu")
    assert kwargs == {"x": 1}


def test_profiler_without_user_email_has_no_user():
    assert identify_caller("profiler", "profiler", {}) == (None, {})


def test_profiler_user_email_must_be_a_string():
    with pytest.raises(CallerError):
        identify_caller("profiler", "profiler", {"user_email": 5})


def test_browser_numeric_authid_is_a_user_id():
    assert identify_caller("browser", "42", {}) == (UserKey("id", 42), {})


def test_browser_other_authid_is_an_email_and_user_email_is_not_honoured():
    key, kwargs = identify_caller("browser", "a1@calc.edu", {"user_email": "b@x"})
    assert key == UserKey("email", "a1@calc.edu")
    assert kwargs == {"user_email": "b@x"}  # only profilers may impersonate


def test_service_has_no_user():
    assert identify_caller("service", "modelservice", {"user_email": "a1@calc.edu"})[0] is None


def test_load_user_by_id_email_and_missing(api):
    world = seed_calc(api)
    first = world.users[0]
    assert asyncio.run(load_user(api, UserKey("id", first["id"])))["email"] == "a1@calc.edu"
    assert asyncio.run(load_user(api, UserKey("email", "a2@calc.edu")))["id"] == world.users[1]["id"]
    assert asyncio.run(load_user(api, None)) is None
    with pytest.raises(CallerError, match="no user with email"):
        asyncio.run(load_user(api, UserKey("email", "nobody@calc.edu")))
    with pytest.raises(CallerError, match="no user with id 999"):
        asyncio.run(load_user(api, UserKey("id", 999)))


def test_find_runuser_in_run(api):
    world = seed_calc(api)
    assert asyncio.run(find_runuser(api, world.users[1], world.run["id"])) == world.runusers[1]
    other_run = api.add("run", name="b", game=world.game["id"], active=True, phase=None)
    assert asyncio.run(find_runuser(api, world.users[1], other_run["id"])) is None
