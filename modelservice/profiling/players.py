"""A simulated player: its identity, its WAMP session(s), its games-API connection pool.

Two ways to act as a user, chosen for the whole run (`--auth`):

* `ticket` (default): every player joins as the profiler's ticket principal (role `profiler`) and
  acts as its user by adding the `user_email` kwarg to its calls and publishes; the model service
  trusts that kwarg for role `profiler`. Cheap to join, but it is not how browsers log in.
* `wampcra`: each player logs in as itself (authid = its email, its own password), like a browser,
  so the router's authenticator and the model service's identity resolution are exercised too.
  `call_as` another user joins (once, lazily) a second session as that user.

Every call and publish is timed into the metrics of the task and group being run, given per call,
so a player holds no histograms: per-player state is the identity, one session and a lazy HTTP
binding, which keeps hundreds of players within a few tens of kilobytes each.

Not for: deciding which players run when (executor.py, engine.py) or the task-author surface
(modelservice/profiler.py).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from autobahn.wamp.types import PublishOptions

from modelservice.simpl import HttpBinding

from .errors import ConfigurationError
from .identities import PlayerIdentity, default_password
from .metrics import GroupMetrics, error_key, normalise_operation
from .wamp import Credentials, PlayerSession, RouterAddress, join_session, leave_session

AUTH_TICKET = "ticket"
AUTH_WAMPCRA = "wampcra"
AUTH_METHODS = (AUTH_TICKET, AUTH_WAMPCRA)

_ACKNOWLEDGED = PublishOptions(acknowledge=True)


@dataclass(frozen=True, slots=True)
class PlayerRuntime:
    """What all players of a process share: the router, how they authenticate, the join deadline."""

    address: RouterAddress
    auth: str = AUTH_TICKET
    ticket_authid: str = "profiler"
    ticket: str | None = None
    join_timeout: float = 30.0

    def credentials(self, identity: PlayerIdentity) -> Credentials:
        if self.auth == AUTH_TICKET:
            if not self.ticket:
                raise ConfigurationError("no profiler ticket: set SIMPL_PROFILER_TICKET or pass --ticket")
            return Credentials(AUTH_TICKET, self.ticket_authid, self.ticket)
        if identity.email is None:
            raise ConfigurationError(
                "--auth wampcra logs each player in as its user, so players need emails: "
                "pass --users-file or --user-email")
        return Credentials(AUTH_WAMPCRA, identity.email,
                           identity.password or default_password(identity.email))


class SimulatedPlayer:
    """One player. `join()` before use, `close()` after; `call`/`publish` are timed into `metrics`."""

    __slots__ = ("identity", "runtime", "session", "http", "_sessions_as")

    def __init__(self, identity: PlayerIdentity, runtime: PlayerRuntime) -> None:
        self.identity = identity
        self.runtime = runtime
        self.session: PlayerSession | None = None
        self.http = HttpBinding()  # the pool is made on the first games-API request, if any
        self._sessions_as: dict[str, PlayerSession] | None = None

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def email(self) -> str | None:
        return self.identity.email

    def __repr__(self) -> str:
        return f"<SimulatedPlayer {self.name!r} {'joined' if self.session else 'not joined'}>"

    async def join(self) -> None:
        runtime = self.runtime
        self.session = await join_session(runtime.address, runtime.credentials(self.identity),
                                          timeout=runtime.join_timeout)

    async def call(self, metrics: GroupMetrics, uri: str, args: tuple, kwargs: dict[str, Any],
                   as_user: tuple[str, str | None] | None = None) -> Any:
        """Call `uri` as this player (or as `as_user` = (email, password)), timed into `metrics`."""
        session = await self._session_for(as_user, kwargs)
        operation = normalise_operation(uri)
        start = perf_counter()
        try:
            result = await session.call(uri, *args, **kwargs)
        except asyncio.CancelledError:
            raise  # the executor cancelled the task (timeout, Ctrl-C): not a failure of the call
        except Exception as exc:
            metrics.record(operation, perf_counter() - start, error_key(exc))
            raise
        metrics.record(operation, perf_counter() - start)
        return result

    async def publish(self, metrics: GroupMetrics, topic: str, args: tuple, kwargs: dict[str, Any],
                      as_user: tuple[str, str | None] | None = None) -> None:
        """Publish to `topic`, acknowledged so that its round trip can be timed and refusals seen."""
        session = await self._session_for(as_user, kwargs)
        kwargs.setdefault("options", _ACKNOWLEDGED)
        operation = "publish " + normalise_operation(topic)
        start = perf_counter()
        try:
            await session.publish(topic, *args, **kwargs)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            metrics.record(operation, perf_counter() - start, error_key(exc))
            raise
        metrics.record(operation, perf_counter() - start)

    async def _session_for(self, as_user: tuple[str, str | None] | None,
                           kwargs: dict[str, Any]) -> PlayerSession:
        session = self.session
        if session is None:
            raise RuntimeError(f"player {self.name} has not joined the router")
        if self.runtime.auth == AUTH_TICKET:
            # Impersonation through the kwarg the model service trusts for role `profiler`.
            if as_user is not None:
                kwargs["user_email"] = as_user[0]
            elif self.identity.email is not None:
                kwargs.setdefault("user_email", self.identity.email)
            return session
        if as_user is None or as_user[0] == self.identity.email:
            return session
        return await self._join_as(*as_user)

    async def _join_as(self, email: str, password: str | None) -> PlayerSession:
        sessions = self._sessions_as
        if sessions is None:
            sessions = self._sessions_as = {}
        session = sessions.get(email)
        if session is None or not session.is_attached():
            credentials = Credentials(AUTH_WAMPCRA, email, password or default_password(email))
            session = sessions[email] = await join_session(
                self.runtime.address, credentials, timeout=self.runtime.join_timeout)
        return session

    async def close(self) -> None:
        """Leave every session and close the HTTP pool; bounded, never raises."""
        sessions = [self.session, *(self._sessions_as or {}).values()]
        self.session, self._sessions_as = None, None
        await asyncio.gather(*(leave_session(s) for s in sessions if s is not None),
                             return_exceptions=True)
        try:
            await self.http.aclose()
        except Exception:  # a pool that fails to close must not stop the others from closing
            pass
