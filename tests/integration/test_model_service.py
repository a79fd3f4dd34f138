"""The model services and the authenticator against a real games API and router.

One games API and one router for the module; the authenticator and both game services run
as real processes (`python -m demo.model_service ...`). Runs are seeded through the API with
`demo.seed`. Players are impersonated by the profiler (`user_email`) or log in as browsers
with WAMP-CRA against their real passwords.
"""
from __future__ import annotations

import asyncio

import pytest
from autobahn.wamp.exception import ApplicationError

from demo.router.client import JoinRefused
from demo.seed import seed_game

from ._helpers_model_service import (browser_session, lookup_runuser, next_event,
                                     running_backend, subscribed, wait_ready)

pytestmark = pytest.mark.integration

CALC = "world.simpl.sims.simpl-calc"
DIV = "world.simpl.sims.simpl-div"


def run(coro, timeout: float = 60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    with running_backend(tmp_path_factory.mktemp("model-service")) as backend:
        yield backend


@pytest.fixture(scope="module")
def services(backend):
    """Authenticator, simpl-calc and simpl-div services; each must exit 0 on SIGTERM."""
    processes = {
        "authenticator": backend.service("authenticator", "demo.model_service.authenticator"),
        "simpl-calc": backend.service("simpl-calc", "demo.model_service", "--game", "simpl-calc"),
        "simpl-div": backend.service("simpl-div", "demo.model_service", "--game", "simpl-div"),
    }
    try:
        for process in processes.values():
            process.start()
        wait_ready(backend, processes["simpl-calc"], f"{CALC}.ready")
        wait_ready(backend, processes["simpl-div"], f"{DIV}.ready")
        wait_ready(backend, processes["authenticator"], "wamp.registration.lookup",
                   "world.simpl.authenticate")
        yield processes
    finally:
        for process in processes.values():
            process.stop()
    for name, process in processes.items():
        assert process.returncode == 0, f"{name} exited {process.returncode}:\n{process.tail()}"
        assert "Traceback" not in process.log_path.read_text(), process.tail(40)


@pytest.fixture(scope="module")
def calc_run(backend, services):
    return seed_game(backend.api.url, backend.api.staff_auth, game="calc", run_name="a",
                     players=2, reset=True)


@pytest.fixture(scope="module")
def div_run(backend, services):
    return seed_game(backend.api.url, backend.api.staff_auth, game="div", run_name="a",
                     players=4, reset=True)


def test_calc_tree_then_decisions_accumulate(backend, calc_run):
    email = calc_run[0]

    async def scenario():
        async with backend.rest() as api:
            runuser = await lookup_runuser(api, "simpl-calc", "a", email)
            async with backend.profiler() as session:
                tree_uri = f"{CALC}.model.runuser.{runuser['id']}.get_scope_tree"
                tree = await session.call(tree_uri, user_email=email)
                [scenario_row] = await api.filter("scenario", runuser=runuser["id"])
                [period] = await api.filter("period", scenario=scenario_row["id"])
                assert tree["children"][0]["children"][0]["pk"] == period["id"]

                answer = await session.call(f"{CALC}.model.period.{period['id']}.submit_decision",
                                            3, user_email=email)
                assert answer == "ok"
                [result] = await api.filter("result", period=period["id"])
                assert result["data"] == {"total": 3}

                tree = await session.call(tree_uri, user_email=email)
                periods = tree["children"][0]["children"]
                assert [p["data"]["order"] for p in periods] == [1, 2]
                assert await session.call(f"{CALC}.model.period.{periods[1]['pk']}.submit_decision",
                                          4, user_email=email) == "ok"
                [second] = await api.filter("result", period=periods[1]["pk"])
                assert second["data"] == {"total": 7}

    run(scenario())


def test_reference_calc_task_calls_succeed(backend, calc_run):
    email = calc_run[1]

    async def scenario():
        async with backend.rest() as api:
            runuser = await lookup_runuser(api, "simpl-calc", "a", email)
        prefix = f"{CALC}.model.runuser.{runuser['id']}"
        async with backend.profiler() as session:
            active = await session.call(f"{prefix}.get_active_runusers", user_email=email)
            current = await session.call(f"{prefix}.get_current_run_and_phase", user_email=email)
            scenarios = await session.call(f"{prefix}.get_scenarios", user_email=email)
            phases = await session.call(f"{CALC}.model.game.get_phases", user_email=email)
            roles = await session.call(f"{CALC}.model.game.get_roles", user_email=email)
        assert [a["pk"] for a in active] == [runuser["id"]]
        assert current["phase"]["data"]["name"] == "Play"
        assert current["run"]["data"]["name"] == "a"
        assert scenarios[0]["resource_name"] == "scenario"
        assert [p["name"] for p in phases] == ["Play"] and roles == []

    run(scenario())


@pytest.mark.parametrize("uri", [f"{CALC}.model.runuser.987654.get_scope_tree",
                                 f"{CALC}.model.period.x.submit_decision",
                                 f"{CALC}.model.scenario.1.get_run_data"])
def test_unknown_scopes_are_no_such_procedure(backend, calc_run, uri):
    async def scenario():
        async with backend.profiler() as session:
            await session.call(uri, user_email=calc_run[0])

    with pytest.raises(ApplicationError) as error:
        run(scenario())
    assert error.value.error == "wamp.error.no_such_procedure"


def test_div_quotient_is_computed_exactly_once_when_both_submit_together(backend, div_run):
    pairs = [(div_run[0], div_run[1]), (div_run[2], div_run[3])]  # (Dividend, Divisor) per world

    async def scenario():
        async with backend.rest() as api:
            runusers = {email: await lookup_runuser(api, "simpl-div", "a", email) for email in div_run}
            worlds = [runusers[dividend]["world"] for dividend, _ in pairs]
            world_periods = []
            for world in worlds:
                [world_scenario] = await api.filter("scenario", world=world)
                [period] = await api.filter("period", scenario=world_scenario["id"])
                world_periods.append(period)
            topics = [f"{DIV}.model.world.{w}.{event}" for w in worlds
                      for event in ("add_child", "update_child")]
            async with backend.profiler() as watcher, subscribed(watcher, *topics) as events, \
                    backend.profiler() as first, backend.profiler() as second:
                for (dividend, divisor), period, operands in zip(pairs, world_periods, [(6, 3), (7, 2)]):
                    uri = f"{DIV}.model.period.{period['id']}.submit_decision"
                    answers = await asyncio.gather(
                        first.call(uri, operands[0], user_email=dividend),
                        second.call(uri, operands[1], user_email=divisor))
                    assert answers == ["ok", "ok"]
                for period, quotient in zip(world_periods, (2.0, 3.5)):
                    results = await api.filter("result", period=period["id"])
                    assert [r["data"] for r in results] == [{"quotient": quotient}]
                    assert len(await api.filter("decision", period=period["id"])) == 2
                # Marker: a phase change is published on every world topic by the same service
                # session, so it arrives after every add_child that service sent before it.
                run_id = runusers[div_run[0]]["run"]
                await first.call(f"{DIV}.model.run.{run_id}.advance_phase", user_email="leader@div.edu")
                seen: list = []
                markers = 0
                while markers < len(worlds):
                    topic, args, kwargs = await next_event(events)
                    markers += args[1] == "run"
                    seen.append((topic, args[1]))
            for world in worlds:
                added = [r for t, r in seen if t == f"{DIV}.model.world.{world}.add_child"]
                assert sorted(added) == ["decision", "decision", "result"]

    run(scenario())


def test_divisor_zero_is_refused(backend, div_run):
    async def scenario():
        async with backend.rest() as api:
            divisor = await lookup_runuser(api, "simpl-div", "a", div_run[1])
            [world_scenario] = await api.filter("scenario", world=divisor["world"])
            [period] = await api.filter("period", scenario=world_scenario["id"])
        async with backend.profiler() as session:
            return await session.call(f"{DIV}.model.period.{period['id']}.submit_decision", 0,
                                      user_email=div_run[1])

    assert run(scenario()) == "Cannot divide by zero"


def test_browser_logs_in_with_wampcra_and_calls_as_itself(backend, calc_run):
    email = calc_run[0]

    async def scenario():
        async with backend.rest() as api:
            runuser = await lookup_runuser(api, "simpl-calc", "a", email)
        prefix = f"{CALC}.model.runuser.{runuser['id']}"
        async with browser_session(backend, str(runuser["user"]), email.split("@")[0]) as browser, \
                backend.profiler() as watcher, \
                subscribed(watcher, f"{prefix}.update_child") as updates:
            assert (browser._authid, browser._authrole) == (str(runuser["user"]), "browser")
            tree = await browser.call(f"{prefix}.get_scope_tree")  # identity from the authid
            assert tree["pk"] == runuser["id"] and tree["children"][0]["children"]
            browser.publish(f"{prefix}.connected")  # like a browser: no acknowledgement
            topic, args, kwargs = await next_event(updates)
            assert (args[0], args[1], args[2]["online"]) == (runuser["id"], "runuser", True)
            assert kwargs == {"resource_name": "runuser", "pk": runuser["id"]}
            active = await browser.call(f"{prefix}.get_active_runusers")
            assert active[0]["data"]["online"] is True

    run(scenario())


def test_browser_may_use_the_email_as_authid(backend, calc_run):
    async def scenario():
        async with browser_session(backend, calc_run[1], calc_run[1].split("@")[0]) as browser:
            return browser._authid, browser._authrole

    assert run(scenario()) == (calc_run[1], "browser")


@pytest.mark.parametrize("authid, password", [("a1@calc.edu", "wrong"), ("nobody@calc.edu", "x")],
                         ids=["wrong-password", "unknown-user"])
def test_browser_with_wrong_credentials_is_refused(backend, calc_run, authid, password):
    async def scenario():
        async with browser_session(backend, authid, password):
            pass

    with pytest.raises(JoinRefused) as refused:
        run(scenario())
    assert refused.value.reason == "wamp.error.not_authorized"


def test_single_derivation_is_refused_by_crossbar_26(backend, calc_run):
    """Pins the Crossbar behaviour the double derivation works around (see the helper)."""
    async def scenario():
        async with browser_session(backend, calc_run[0], "a1", double_derive=False):
            pass

    with pytest.raises(JoinRefused) as refused:
        run(scenario())
    assert refused.value.reason == "wamp.error.not_authorized"
    assert "WAMP-CRA client signature is invalid" in str(refused.value)
