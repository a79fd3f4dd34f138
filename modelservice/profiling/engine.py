"""The engine: one `ProfileRun` owns a run's configuration, tasks, players, metrics and events.

A run goes: `prepare()` (discover tasks, read who the players are; configuration errors surface
here, before any connection) -> `run()` on an event loop (join every player concurrently within
--join-timeout; for each task in order, for each group, hand the group to the executor and wait
for it, bounded by --task-timeout; merge the group's metrics; leave) -> a `RunResult`.
`run_profile()` is the blocking entry point: it owns the event loop and turns Ctrl-C/SIGTERM
into an orderly stop (players cancelled, summary still printed); a second Ctrl-C exits at once.

The executor is an interface (executor.GroupExecutor); this process's players run through
`LocalExecutor`. A coordinator for several processes plugs in its own executor (and its own
player count) without touching this module's flow.

Not for: parsing options (options.py), the task-author API (modelservice/profiler.py), printing
(report.py listens to `events`).
"""
from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from time import perf_counter
from typing import Any, Callable

import txaio

from .discovery import TaskSpec, discover_tasks
from .errors import ConfigurationError, JoinError, TaskDiscoveryError
from .coordination import RunCoordinator, default_run_id
from .executor import GroupExecutor, LocalExecutor
from .groups import build_roster
from .identities import PlayerIdentity, identity_for_email, read_users_file
from .metrics import GroupMetrics, RunMetrics
from .options import RunConfig, add_arguments
from .players import AUTH_TICKET, PlayerRuntime, SimulatedPlayer
from .wamp import JoinRefused, RouterAddress

__all__ = ["ProfileRun", "RunEvents", "RunResult", "add_arguments", "run_profile"]

# Connections opened at once while joining: enough to join 1000 players in seconds, few enough
# not to overflow the router's listen backlog.
JOIN_CONCURRENCY = 100
# Bound on leaving at the end: goodbye handshakes plus closing HTTP pools.
LEAVE_TIMEOUT = 5.0
_REFUSALS = ("wamp.error.not_authorized", "wamp.error.authentication_failed",
             "wamp.error.no_such_principal", "wamp.error.no_auth_method",
             "wamp.error.cannot_authenticate", "wamp.error.authorization_failed")


class RunEvents:
    """Listeners of a run's progress; each hook is a list of callables (see report.ConsoleReporter)."""

    def __init__(self) -> None:
        self.run_started: list[Callable[[ProfileRun], Any]] = []  # on the loop, before joining
        self.group_started: list[Callable[[str, int, int], Any]] = []
        self.group_finished: list[Callable[[GroupMetrics, float], Any]] = []
        self.run_finished: list[Callable[..., Any]] = []
        # This process serves another process's leader, which reports the run (coordination.py).
        self.became_worker: list[Callable[[], Any]] = []

    def listen(self, listener: Any) -> None:
        """Subscribe an object's `run_started` / `group_started` / `group_finished` / `run_finished`
        / `became_worker`."""
        for hook in ("run_started", "group_started", "group_finished", "run_finished", "became_worker"):
            method = getattr(listener, hook, None)
            if method is not None:
                getattr(self, hook).append(method)


@dataclass(frozen=True)
class RunResult:
    """How a run ended: the merged metrics, the task time, and whether it was interrupted."""

    metrics: RunMetrics
    seconds: float
    interrupted: bool
    tasks: int
    players: int
    failure: str | None = None  # a run-level failure (e.g. a coordinated worker or leader lost)
    # False in a worker process of a coordinated run: its players' metrics went to the leader,
    # whose report covers the whole run, so this process has nothing of its own to report.
    reports_here: bool = True

    @property
    def failed_players(self) -> int:
        return self.metrics.failed_players

    @property
    def ok(self) -> bool:
        return not self.interrupted and self.failed_players == 0 and self.failure is None


class ProfileRun:
    """One run of the profiler (like locust's Environment): everything else receives it."""

    add_arguments = staticmethod(add_arguments)

    def __init__(self, config: RunConfig, *, executor: GroupExecutor | None = None) -> None:
        self.config = config
        self.tasks: list[TaskSpec] = []
        self.skipped: list[TaskSpec] = []  # found, but a unittest skip decorator says not to run them
        self.identities: list[PlayerIdentity] = []
        self.players: dict[str, SimulatedPlayer] = {}
        self.metrics = RunMetrics()
        self.events = RunEvents()
        self.executor = executor
        self.active_executor: GroupExecutor | None = None  # the one running groups (live progress reads it)
        self.coordinator: RunCoordinator | None = None
        self.stop_requested = False
        self._stop: asyncio.Event | None = None

    # -- before the loop -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Discover tasks and players; ConfigurationError for anything that makes the run pointless."""
        found = discover_tasks(self.config.module)
        self.skipped = [task for task in found if task.skip_reason]
        self.tasks = [task for task in found if not task.skip_reason]
        if not self.tasks:
            raise TaskDiscoveryError(
                f"every task in {self.config.module} is skipped ("
                + "; ".join(f"{task.id}: {task.skip_reason}" for task in self.skipped) + ")")
        self.identities = self._local_identities()
        workers = self.config.workers
        run_id = self.config.run_id
        if run_id is None and (workers is None or workers == len(self.identities)):
            return
        # Players of several processes: they meet through the router (coordination.py).
        if workers is not None and workers < len(self.identities):
            raise ConfigurationError(
                f"-w/--workers {workers} is fewer than the {len(self.identities)} player(s) of "
                "this process; -w counts the players of the whole run")
        expected = workers or len(self.identities)
        config = self.config
        self.coordinator = RunCoordinator(
            run_id=run_id or default_run_id(config.module, expected),
            expected_players=expected, address=RouterAddress.parse(config.url, config.realm),
            ticket=config.ticket, ticket_authid=config.ticket_authid, join_timeout=config.join_timeout)

    def _local_identities(self) -> list[PlayerIdentity]:
        config = self.config
        if config.users_file:
            return read_users_file(config.users_file)
        if config.user_email:
            return [identity_for_email(config.user_email, name=config.name)]
        return [PlayerIdentity(name=config.name or "worker")]

    # -- on the loop -----------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the run to stop: the current group's players are cancelled, no further group starts."""
        self.stop_requested = True
        if self._stop is not None:
            self._stop.set()

    async def run(self) -> RunResult:
        """Join, run every task on every group, leave; the result even when interrupted."""
        self._stop = asyncio.Event()
        if self.stop_requested:
            self._stop.set()
        seconds = 0.0
        completed = False
        names = [identity.name for identity in self.identities]
        for listener in self.events.run_started:
            listener(self)
        try:
            await self._join_players()
            executor = self.executor or LocalExecutor(self.players)
            if self.coordinator is not None:
                # The leader gets every process's players and an executor reaching them; a
                # worker serves the leader's groups inside begin() and gets no players.
                names, executor = await self.coordinator.begin(self, executor, stop=self._stop)
            self.active_executor = executor
            roster = build_roster(names, self.config.groups) if names else []
            started = perf_counter()
            for task in self.tasks:
                for group, members in enumerate(roster):
                    if self._stop.is_set():
                        break
                    await self._run_group(executor, task, group, members)
            seconds = perf_counter() - started
            completed = not self._stop.is_set()
        finally:
            if self.coordinator is not None:
                await self.coordinator.end(self, completed=completed)
            await self._close_players()
        interrupted = self._stop.is_set()
        for listener in self.events.run_finished:
            listener(self.metrics, seconds, interrupted=interrupted)
        failure = self.coordinator.failure if self.coordinator is not None else None
        # The leader of a coordinated run counts every process's players, as its report covers them.
        return RunResult(self.metrics, seconds, interrupted, len(self.tasks), len(names),
                         failure, reports_here=self.reports_here)

    @property
    def reports_here(self) -> bool:
        """Whether this process reports the run: not when it served another process's leader."""
        return self.coordinator is None or self.coordinator.role != "worker"

    async def _run_group(self, executor: GroupExecutor, task: TaskSpec, group: int,
                         members: list[str]) -> None:
        for listener in self.events.group_started:
            listener(task.id, group, len(members))
        started = perf_counter()
        measured = await executor.run_group(task, group, members, timeout=self.config.task_timeout,
                                            stop=self._stop)
        merged = self.metrics.add(measured)
        for listener in self.events.group_finished:
            listener(merged, perf_counter() - started)

    async def _join_players(self) -> None:
        config = self.config
        runtime = PlayerRuntime(RouterAddress.parse(config.url, config.realm), auth=config.auth,
                                ticket_authid=config.ticket_authid, ticket=config.ticket,
                                join_timeout=config.join_timeout)
        players = [SimulatedPlayer(identity, runtime) for identity in self.identities]
        self.players = {player.name: player for player in players}
        gate = asyncio.Semaphore(JOIN_CONCURRENCY)

        async def join(player: SimulatedPlayer) -> None:
            async with gate:
                await player.join()

        joins = [asyncio.create_task(join(player)) for player in players]
        stopped = asyncio.create_task(self._stop.wait())
        try:
            async with asyncio.timeout(config.join_timeout):
                await asyncio.wait([asyncio.gather(*joins, return_exceptions=True), stopped],
                                   return_when=asyncio.FIRST_COMPLETED)
        except TimeoutError:
            pass
        finally:
            stopped.cancel()
            unfinished = [joining for joining in joins if not joining.done()]
            for joining in unfinished:
                joining.cancel()
            if unfinished:  # let them abort their connections before we look at the outcome
                await asyncio.wait(unfinished, timeout=LEAVE_TIMEOUT)
        if self._stop.is_set():
            return
        failures = [(player, _join_error(joining)) for player, joining in zip(players, joins)]
        failures = [(player, error) for player, error in failures if error is not None]
        if failures:
            raise self._join_failure(failures, len(players))

    def _join_failure(self, failures: list[tuple[SimulatedPlayer, JoinError]], total: int) -> JoinError:
        player, error = failures[0]
        if isinstance(error, JoinRefused) and error.reason in _REFUSALS:
            if self.config.auth == AUTH_TICKET:
                message = (f"the router refused the profiler's ticket for authid "
                           f"'{self.config.ticket_authid}' ({error.reason}); check --ticket / "
                           "SIMPL_PROFILER_TICKET")
            else:
                message = (f"the router refused the login of {player.name} ({error.reason}); "
                           "check that user's password in the users file")
        elif isinstance(error, JoinRefused) and error.reason == "wamp.error.no_such_realm":
            message = f"the router has no realm '{self.config.realm}'; check --realm / SIMPL_REALM"
        else:
            message = str(error)
        if len(failures) > 1 or total > 1:
            message = f"{len(failures)} of {total} players could not join: {message}"
        return JoinError(message)

    async def _close_players(self) -> None:
        players = list(self.players.values())
        if not players:
            return
        closing = asyncio.gather(*(player.close() for player in players), return_exceptions=True)
        try:
            async with asyncio.timeout(LEAVE_TIMEOUT):
                await closing
        except TimeoutError:
            closing.cancel()


def _join_error(joining: asyncio.Task) -> JoinError | None:
    if not joining.done() or joining.cancelled():
        return JoinError("did not join within --join-timeout")
    error = joining.exception()
    if error is None:
        return None
    if isinstance(error, JoinError):
        return error
    return JoinError(f"{type(error).__name__}: {error}")


def run_profile(run: ProfileRun, *, log_level: str | None = None) -> RunResult:
    """Run `run` (already prepared) on a new event loop; Ctrl-C/SIGTERM stop it in order."""
    loop = asyncio.new_event_loop()
    # txaio.config.loop stays unset: txaio then uses the running loop, so runs (and tests) on
    # different loops or threads do not share global state.
    if log_level:
        txaio.set_global_log_level(log_level)
    interrupts = 0

    def on_signal() -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts > 1:
            # A second Ctrl-C: the user does not want to wait for the orderly stop.
            loop.remove_signal_handler(signal.SIGINT)
            raise KeyboardInterrupt
        run.stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, on_signal)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
    try:
        return loop.run_until_complete(run.run())
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(signum)
            except (NotImplementedError, RuntimeError):
                pass
        try:
            _cancel_leftovers(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel tasks still pending (e.g. a task that ignored cancellation), waiting briefly."""
    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    if leftovers:
        loop.run_until_complete(asyncio.wait(leftovers, timeout=LEAVE_TIMEOUT))
