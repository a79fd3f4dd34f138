"""One game's model service on a joined WAMP session: registrations and call dispatch.

For: registering the game's procedures as wildcard patterns (one registration per resource and
procedure name, serving every present and future scope), subscribing to `connected` and
`disconnected`, registering `<ROOT_TOPIC>.ready` last, and turning each invocation into a
CallContext (who calls, which scope) and its outcome into a result or a WAMP error.
Not for: connecting to the router or process lifecycle (`runner`), nor the procedures' logic.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallDetails, EventDetails, RegisterOptions, SubscribeOptions

from .context import CallContext, KeyedLocks, Presence
from .errors import CallerError, ModelServiceError, NoSuchScope, to_application_error
from .games import GameRules
from .games_api import GamesApi
from .identity import find_runuser, identify_caller, load_user
from .procedures import Procedure, generic_procedures
from .publications import ScopePublisher
from .scopes import GameRef, Lineage, load_lineage
from .tree import Viewer
from .uris import SCOPE_RESOURCES, ScopeRef, parse_scope_uri, procedure_pattern, root_topic

log = logging.getLogger(__name__)


class ModelService:
    """The WAMP face of one game, reading and writing through `api` on each call."""

    def __init__(self, api: GamesApi, rules: GameRules) -> None:
        self.api = api
        self.rules = rules
        self.root = root_topic(rules.slug)
        self.game = GameRef(api, rules.slug)
        self.presence = Presence()
        self.locks = KeyedLocks()
        self.procedures = generic_procedures()
        for resource, extra in rules.procedures.items():
            self.procedures[resource].update(extra)
        self._session: Any = None
        self.publisher = ScopePublisher(api, self.root, self._publish)

    def _publish(self, topic: str, *args: Any, **kwargs: Any) -> Any:
        if self._session is None:
            raise RuntimeError("not attached to a WAMP session")
        return self._session.publish(topic, *args, **kwargs)

    async def attach(self, session: Any) -> None:
        """Register everything on a joined `session`; `<ROOT_TOPIC>.ready` comes last."""
        self._session = session
        pending = []
        for resource, table in self.procedures.items():
            for name, procedure in table.items():
                uri, match = procedure_pattern(self.root, resource, name)
                pending.append(session.register(
                    self._endpoint(resource, name, procedure), uri,
                    options=RegisterOptions(match=match, details_arg="details")))
        for event, handler in (("connected", self._on_connected),
                               ("disconnected", self._on_disconnected)):
            for resource in SCOPE_RESOURCES:
                uri, _ = procedure_pattern(self.root, resource, event)
                pending.append(session.subscribe(
                    handler, uri, options=SubscribeOptions(match="wildcard", details_arg="details")))
        await asyncio.gather(*pending)
        # Only now can a caller rely on every procedure being there.
        await session.register(self.ready, f"{self.root}.ready",
                               options=RegisterOptions(match="exact"))
        log.info("%s: %d procedures registered, ready", self.rules.slug, len(pending))

    @staticmethod
    def ready() -> bool:
        """`<ROOT_TOPIC>.ready`: true once everything else is registered."""
        return True

    def _endpoint(self, resource: str, name: str, procedure: Procedure) -> Any:
        async def endpoint(*args: Any, details: CallDetails, **kwargs: Any) -> Any:
            return await self.invoke(resource, name, procedure, args, kwargs, details)
        endpoint.__name__ = f"{resource}.{name}"
        return endpoint

    async def invoke(self, resource: str, name: str, procedure: Procedure, args: tuple[Any, ...],
                     kwargs: dict[str, Any], details: CallDetails) -> Any:
        """Run one call; every failure leaves as a WAMP ApplicationError (§B.8)."""
        user = None
        try:
            uri = details.procedure or procedure_pattern(self.root, resource, name)[0]
            key, kwargs = identify_caller(details.caller_authrole, details.caller_authid, kwargs)
            ref, called = parse_scope_uri(self.root, uri)
            if ref.resource != resource or called != name:
                raise NoSuchScope(f"{uri} is not {resource}.{name}")
            lineage, user = await self._scope_and_user(ref, key)
            ctx = await self._context(lineage, user)
            return await procedure(ctx, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every error must reach the caller as WAMP error
            self._report(exc, details.procedure or name, user)
            raise to_application_error(exc) from exc

    async def _scope_and_user(self, ref: ScopeRef, key: Any) -> tuple[Lineage, dict | None]:
        # Both lookups at once; a missing scope wins over a bad user, as in the reference where
        # the URI would not even be registered.
        lineage, user = await asyncio.gather(load_lineage(self.api, self.game, ref),
                                             load_user(self.api, key), return_exceptions=True)
        for outcome in (lineage, user):
            if isinstance(outcome, BaseException):
                raise outcome
        return lineage, user

    async def _context(self, lineage: Lineage, user: dict[str, Any] | None) -> CallContext:
        """The call's context: the reference's `user.runuser`, and the viewer for trees."""
        runuser = own = None
        scope = lineage.scope
        if user is not None and lineage.run is not None:
            if scope.resource == "runuser" and scope.data.get("user") == user["id"]:
                own = scope.data
            else:
                own = await find_runuser(self.api, user, lineage.run["id"])
            if scope.resource == "runuser":
                runuser = scope.data  # the reference uses the scope's own runuser, whoever asks
            elif own is None:
                raise CallerError(f"user {user.get('email', user['id'])} has no runuser in run "
                                  f"{lineage.run['id']}")
            else:
                runuser = own
        viewer = Viewer(user["id"] if user else None, own)
        return CallContext(api=self.api, game=self.game, root=self.root, lineage=lineage,
                           user=user, runuser=runuser, viewer=viewer, publisher=self.publisher,
                           presence=self.presence, locks=self.locks)

    def _report(self, exc: BaseException, where: str, user: dict[str, Any] | None) -> None:
        """Log a failed call and publish it on the error topic (not for missing scopes)."""
        if isinstance(exc, NoSuchScope):
            log.debug("%s: %s", where, exc)
            return
        if isinstance(exc, (ModelServiceError, ApplicationError)):
            log.warning("%s failed: %s", where, exc)
        else:
            log.error("%s failed unexpectedly", where, exc_info=exc)
        topic = f"{self.root}.error.{user['id']}" if user else f"{self.root}.error"
        try:
            self._publish(topic, *[a if isinstance(a, (str, int, float)) else str(a)
                                   for a in exc.args], error=type(exc).__name__)
        except Exception as publish_exc:  # noqa: BLE001 - reporting must never mask the error
            log.debug("could not publish %s: %s", topic, publish_exc)

    async def _presence_event(self, details: EventDetails, kwargs: dict[str, Any],
                              online: bool) -> None:
        user = None
        try:
            key, _ = identify_caller(details.publisher_authrole, details.publisher_authid, kwargs)
            ref, _ = parse_scope_uri(self.root, details.topic or "")
            lineage, user = await self._scope_and_user(ref, key)
            if user is None:
                return  # a service session has no runuser to mark
            ctx = await self._context(lineage, user)
            runuser = ctx.require_runuser("connected/disconnected")
            if online:
                self.presence.connect(runuser["id"])
                scopes = [ref]
            else:
                self.presence.disconnect(runuser["id"])
                world = (lineage.scope.data.get("world") if lineage.scope.resource == "runuser"
                         else lineage.owner_world)
                scopes = [*([ScopeRef("world", world)] if world else []),
                          ScopeRef("run", ctx.run["id"])]
            self.publisher.send(scopes, "update_child", "runuser", {**runuser, "online": online})
        except Exception as exc:  # noqa: BLE001 - an event has nobody to return an error to
            self._report(exc, details.topic or "presence", user)

    async def _on_connected(self, *args: Any, details: EventDetails, **kwargs: Any) -> None:
        await self._presence_event(details, kwargs, online=True)

    async def _on_disconnected(self, *args: Any, details: EventDetails, **kwargs: Any) -> None:
        await self._presence_event(details, kwargs, online=False)

