"""What one procedure call works with: the call's context, and the process-wide shared bits.

For: `CallContext` (the API client, the scope and its lineage, the caller), `Presence` (which
runusers are online, fed by the `connected`/`disconnected` topics) and `KeyedLocks` (per-period
serialisation of writes inside this process).
Not for: game state. Presence is the only thing the service remembers between calls, and it is
about sessions, not about the database.
"""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import CallerError
from .scopes import GameRef, Lineage
from .tree import Viewer

if TYPE_CHECKING:
    from .games_api import GamesApi
    from .publications import ScopePublisher


class Presence:
    """Runuser pks whose browser announced `connected` and not yet `disconnected`."""

    def __init__(self) -> None:
        self._online: set[int] = set()

    def connect(self, runuser_pk: int) -> None:
        self._online.add(runuser_pk)

    def disconnect(self, runuser_pk: int) -> None:
        self._online.discard(runuser_pk)

    def __contains__(self, runuser_pk: object) -> bool:
        return runuser_pk in self._online


class KeyedLocks:
    """One asyncio.Lock per key, created on demand and forgotten once nobody holds it."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield

    def __len__(self) -> int:
        return len(self._locks)


@dataclass
class CallContext:
    """Everything a procedure needs about one call.

    `runuser` is the reference's `user.runuser`: on a runuser scope the scope's own runuser,
    elsewhere the caller's runuser in the scope's run (None without a user or outside a run).
    `viewer` is the caller as the tree access rules see it.
    """

    api: GamesApi
    game: GameRef
    root: str
    lineage: Lineage
    user: dict[str, Any] | None
    runuser: dict[str, Any] | None
    viewer: Viewer
    publisher: ScopePublisher
    presence: Presence
    locks: KeyedLocks

    @property
    def run(self) -> dict[str, Any]:
        """The scope's run; CallerError for game, phase and role scopes, which have none."""
        if self.lineage.run is None:
            raise CallerError(f"{self.lineage.scope.resource} scopes do not belong to a run")
        return self.lineage.run

    def require_runuser(self, what: str) -> dict[str, Any]:
        """The caller's runuser, or CallerError naming what needed it."""
        if self.runuser is None:
            raise CallerError(f"{what} needs a player: call it as a browser user or, as the "
                              f"profiler, with user_email")
        return self.runuser
