"""ProfileCase: the base class of profile tasks, the face the profiler shows to task authors.

A task file is a `profile*.py` module in a package given to `manage.py profile -m <package>`;
tasks are `profile*` methods, `async def` or plain `def`, of ProfileCase subclasses::

    from modelservice.profiler import ProfileCase

    class ProfileGame(ProfileCase):
        async def profile_login(self):
            tree = await self.call(f"{settings.ROOT_TOPIC}.model.runuser.7.get_scope_tree")
            self.publish_stat("tree_size", len(tree["children"]), fmt="{stats.mean:.1f} children")

Each simulated player gets a fresh instance for every task run. Inside a task:

* `user_email`, `worker_name`, `worker_is_named(name)`: who this player is;
* `group_name` (the group number) and `workers_count` (players in this group);
* `call(uri, ...)` / `publish(topic, ...)` act as this player; with `--auth ticket` they add
  `user_email=<player's email>` (the model service trusts it for the profiler role);
* `call_as(email, password, uri, ...)` / `publish_as(...)` act as another user: with `--auth ticket`
  they set `user_email=email`; with `--auth wampcra` they use that user's own session;
* `publish_stat(stat_id, value, fmt=None, attribute=None)` adds a value to the run's statistics;
* `games_client`: the games-API client, whose requests go through this player's connection pool.

Every call, publish and games-API request is timed into the run's metrics automatically.
In an `async def` task, `call` and friends return awaitables. A plain `def` task runs in its own
thread (it may block without stalling other players) and the same methods return results.
Raising from a task fails it for this player; nothing is swallowed.

It subclasses unittest.TestCase only so that unittest's discovery finds tasks, as in the original
profiler; setUp/tearDown are never called and running it under a unittest runner is refused.

Not for: running tasks (the engine in modelservice.profiling does that).
"""
from __future__ import annotations

import unittest
from typing import Any

from modelservice.profiling.context import TaskContext

__all__ = ["ProfileCase"]


class ProfileCase(unittest.TestCase):
    """Base class of profile tasks; see the module docstring for what a task can use."""

    _context: TaskContext | None = None

    # -- who and where ------------------------------------------------------------------------

    @property
    def context(self) -> TaskContext:
        context = self._context
        if context is None:
            raise RuntimeError(
                f"{type(self).__name__} is not running under the profiler; run it with manage.py profile")
        return context

    def bind(self, context: TaskContext) -> ProfileCase:
        """Attach the run this instance serves (done by the engine before the task method runs)."""
        self._context = context
        return self

    @property
    def user_email(self) -> str | None:
        return self.context.player.email

    @property
    def worker_name(self) -> str:
        return self.context.player.name

    def worker_is_named(self, name: str) -> bool:
        return self.worker_name == name

    @property
    def group_name(self) -> int:
        return self.context.group

    @property
    def workers_count(self) -> int:
        return self.context.workers_count

    @property
    def wamp(self) -> Any:
        """The player's own WAMP session (autobahn ApplicationSession); calls made on it are not timed."""
        return self.context.player.session

    @property
    def games_client(self) -> Any:
        from modelservice.simpl import games_client  # late: the client reads settings on import

        return games_client

    # -- acting -------------------------------------------------------------------------------

    def call(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        context = self.context
        return context.submit(context.player.call(context.metrics, uri, args, kwargs))

    def call_as(self, email: str, password: str | None, uri: str, *args: Any, **kwargs: Any) -> Any:
        context = self.context
        return context.submit(context.player.call(context.metrics, uri, args, kwargs,
                                                  as_user=(email, password)))

    def publish(self, topic: str, *args: Any, **kwargs: Any) -> Any:
        context = self.context
        return context.submit(context.player.publish(context.metrics, topic, args, kwargs))

    def publish_as(self, email: str, password: str | None, topic: str, *args: Any, **kwargs: Any) -> Any:
        context = self.context
        return context.submit(context.player.publish(context.metrics, topic, args, kwargs,
                                                     as_user=(email, password)))

    def publish_stat(self, stat_id: str, value: Any, fmt: str | None = None,
                     attribute: str | None = None) -> None:
        """Add `value` to stat `stat_id` of this task and group; `fmt` formats it as `{stats.mean}`."""
        self.context.record_stat(stat_id, value, fmt, attribute)

    # -- unittest machinery this class must not be driven by ------------------------------------

    def run(self, result: Any = None) -> Any:
        raise TypeError(f"{type(self).__name__} is a profile task; run it with manage.py profile, "
                        "not a unittest runner")

    def debug(self) -> None:
        self.run()
