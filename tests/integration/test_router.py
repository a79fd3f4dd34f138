"""The generated Crossbar configuration, checked against a real router on a free port:
who may join, with which role, and what each role may do."""
from __future__ import annotations

import asyncio
import json
import secrets
import socket

import psutil
import pytest
from autobahn.wamp.exception import ApplicationError

from demo.errors import ChildDied, PortInUse
from demo.router import RouterServer
from demo.router.client import JoinRefused, open_session, wamp_session

pytestmark = pytest.mark.integration

REALM = "realm1"


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    tickets = {"service_ticket": secrets.token_urlsafe(16), "profiler_ticket": secrets.token_urlsafe(16)}
    with RouterServer(tmp_path_factory.mktemp("router"), port=0, realm=REALM, **tickets) as server:
        yield server


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def as_profiler(router):
    return dict(authid="profiler", ticket=router.profiler_ticket)


def as_service(router):
    return dict(authid="modelservice", ticket=router.service_ticket)


def test_profiler_ticket_joins_with_role_profiler(router):
    async def scenario():
        async with wamp_session(router.url, REALM, **as_profiler(router)) as session:
            return session._authid, session._authrole

    assert run(scenario()) == ("profiler", "profiler")


@pytest.mark.parametrize("join", [
    dict(authid="profiler", ticket="not-the-ticket"),
    dict(authid="modelservice", ticket="not-the-ticket"),
    dict(authid="nobody", ticket="whatever"),
], ids=["wrong-profiler-ticket", "wrong-service-ticket", "unknown-principal"])
def test_wrong_ticket_is_refused_as_not_authorized(router, join):
    with pytest.raises(JoinRefused) as refused:
        run(open_session(router.url, REALM, **join))
    assert refused.value.reason == "wamp.error.not_authorized"


def test_profiler_ticket_is_not_accepted_for_the_service_principal(router):
    with pytest.raises(JoinRefused) as refused:
        run(open_session(router.url, REALM, authid="modelservice", ticket=router.profiler_ticket))
    assert refused.value.reason == "wamp.error.not_authorized"


def test_anonymous_join_is_refused(router):
    with pytest.raises(JoinRefused) as refused:
        run(open_session(router.url, REALM, authmethods=["anonymous"]))
    assert refused.value.reason in ("wamp.error.no_auth_method", "wamp.error.not_authorized")


def test_unknown_realm_is_refused(router):
    with pytest.raises(JoinRefused):
        run(open_session(router.url, "no-such-realm", **as_profiler(router)))


def test_profiler_registers_only_under_simpl_profiler(router):
    async def scenario():
        async with wamp_session(router.url, REALM, **as_profiler(router)) as session:
            with pytest.raises(ApplicationError) as refused:
                await session.register(lambda: 1, "world.simpl.sims.simpl-calc.ready")
            await session.register(lambda: "pong", "simpl.profiler.test.ping")
            return refused.value.error, await session.call("simpl.profiler.test.ping")

    assert run(scenario()) == ("wamp.error.not_authorized", "pong")


def test_service_registers_anything_and_callee_sees_the_caller(router):
    async def scenario():
        async with wamp_session(router.url, REALM, **as_service(router)) as service:
            def whoami(details=None):
                return [details.caller_authid, details.caller_authrole]

            await service.register(whoami, "world.simpl.sims.test.whoami",
                                   options=_details_option())
            async with wamp_session(router.url, REALM, **as_profiler(router)) as profiler:
                return await profiler.call("world.simpl.sims.test.whoami")

    assert run(scenario()) == ["profiler", "profiler"]


def test_publisher_is_disclosed_to_subscribers(router):
    async def scenario():
        received: asyncio.Future = asyncio.get_running_loop().create_future()
        async with wamp_session(router.url, REALM, **as_service(router)) as service:
            def on_event(details=None):
                if not received.done():
                    received.set_result((details.publisher_authid, details.publisher_authrole))

            from autobahn.wamp.types import PublishOptions, SubscribeOptions
            await service.subscribe(on_event, "world.simpl.sims.test.topic",
                                    options=SubscribeOptions(details_arg="details"))
            async with wamp_session(router.url, REALM, **as_profiler(router)) as profiler:
                await profiler.publish("world.simpl.sims.test.topic",
                                       options=PublishOptions(acknowledge=True))
                return await asyncio.wait_for(received, 5)

    assert run(scenario()) == ("profiler", "profiler")


def test_browser_joins_through_the_dynamic_authenticator_and_stays_under_sims(router):
    password = "browser-secret"

    async def scenario():
        async with wamp_session(router.url, REALM, **as_service(router)) as service:
            asked = []

            def authenticate(realm, authid, details):
                asked.append((realm, authid))
                if authid != "7":
                    raise ApplicationError("wamp.error.not_authorized", "no such user")
                return {"secret": password, "role": "browser"}

            await service.register(authenticate, "world.simpl.authenticate")
            await service.register(lambda: "ok", "world.simpl.sims.test.ok")
            await service.register(lambda: "no", "simpl.profiler.test.private")

            async with wamp_session(router.url, REALM, authid="7", password=password) as browser:
                role = browser._authrole
                allowed = await browser.call("world.simpl.sims.test.ok")
                with pytest.raises(ApplicationError) as outside:
                    await browser.call("simpl.profiler.test.private")
                with pytest.raises(ApplicationError) as register:
                    await browser.register(lambda: 1, "world.simpl.sims.test.mine")
            with pytest.raises(JoinRefused) as wrong_password:
                await open_session(router.url, REALM, authid="7", password="wrong", timeout=5)
            return (role, allowed, outside.value.error, register.value.error,
                    wrong_password.value.reason, asked[0])

    role, allowed, outside, register, wrong_password, asked = run(scenario())
    assert (role, allowed) == ("browser", "ok")
    assert outside == register == "wamp.error.not_authorized"
    assert wrong_password == "wamp.error.not_authorized"
    assert asked == (REALM, "7")


def test_config_is_private_and_holds_no_ticket(router):
    path = router.cbdir / "config.json"
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert router.service_ticket not in text and router.profiler_ticket not in text
    realm = json.loads(text)["workers"][0]["realms"][0]
    assert [role["name"] for role in realm["roles"]] == ["service", "profiler", "browser"]


def test_listens_on_loopback_only(router):
    listening = [c for c in psutil.net_connections(kind="tcp")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port == router.port]
    assert listening and {c.laddr.ip for c in listening} == {"127.0.0.1"}


def test_router_that_dies_at_start_is_reported_with_its_log(tmp_path):
    # Crossbar rejects a realm name with a space when it checks the configuration.
    server = RouterServer(tmp_path, port=0, realm="not a realm", service_ticket="s", profiler_ticket="p")
    with pytest.raises(ChildDied) as died:
        server.start()
    message = str(died.value)
    assert message.startswith("router (crossbar) exited with code")
    assert "is not a valid WAMP realm name" in message
    assert not server.process.alive


def test_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as in_use:
            RouterServer(tmp_path, port=port, service_ticket="s", profiler_ticket="p").start()
    assert str(in_use.value) == f"port {port} is in use; pass --router-port or stop the other server"


def _details_option():
    from autobahn.wamp.types import RegisterOptions
    return RegisterOptions(details_arg="details")
