"""Several profiler processes sharing one run, through the WAMP router.

Each process (`manage.py profile --user-email X -w N --run-id R`, as profile.sh starts them)
joins its own players, then opens one control session (the profiler's ticket principal) and
meets the others under `simpl.profiler.<R>.`:

* Election without randomness: every process tries to register `simpl.profiler.<R>.leader`.
  Registration is exclusive, so exactly one wins; the others get
  `wamp.error.procedure_already_exists` and become workers.
* A worker first registers its own `...worker.<session>.run_group`, `...leave` and `...progress`
  (the leader's live-progress poll, group_progress.py), then calls
  `...leader` with its players' names (an "announce"). The leader therefore never calls a worker
  whose procedures are not there yet (the original's start-up race, C.10 item 5).
* The leader waits for -w players in total within --join-timeout (a timeout names who did join
  and how many are missing), builds the roster over all players (leader's first, then each worker's,
  workers ordered by their first player's name; same ramp as groups.build_roster) and runs every
  group through `RemoteExecutor` (remote.py): one `run_group` call per involved worker, its own
  players locally, all concurrently; the GroupMetrics dicts are merged.
* A worker that leaves (`wamp.session.on_leave`), errs, or does not answer within --task-timeout
  plus a margin is named, its players fail, and later groups do not wait for it (C.10 item 3).
* At the end the leader calls every worker's `leave` with whether the whole run succeeded; that
  is the worker's exit status. A worker whose leader leaves first stops and fails.

Every URI carries the run id, so runs with distinct ids share a router without meeting (C.10
item 11). Processes started without --run-id share a default derived from the module and -w:
two such runs at once would collide, so concurrent runs need distinct ids (profile.sh makes one).

Not for: running a task on players (executor.py), the engine's flow (engine.py), printing.
"""
from __future__ import annotations

import asyncio
import os
import re
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from autobahn.wamp.exception import ApplicationError

from .errors import ConfigurationError, JoinError
from .executor import GroupExecutor
from .group_progress import progress_reply
from .metrics import GroupMetrics
from .remote import RemoteExecutor, WorkerLink
from .wamp import Credentials, PlayerSession, RouterAddress, join_session, leave_session

if TYPE_CHECKING:  # only for annotations: the engine imports this module
    from .engine import ProfileRun

URI_PREFIX = "simpl.profiler"
ERROR_RUN_FULL = "simpl.profiler.error.run_full"
ERROR_DUPLICATE_PLAYER = "simpl.profiler.error.duplicate_player"
ON_LEAVE = "wamp.session.on_leave"
# How long the leader waits for workers to acknowledge `leave` at the end.
LEAVE_CALL_TIMEOUT = 5.0

_RUN_ID = re.compile(r"^[0-9a-z_]{1,64}$")


# -- run ids and URIs (pure) -------------------------------------------------------------------

def check_run_id(value: str) -> str:
    """`value` if it is a usable run id (one URI component), else ValueError saying what is."""
    value = str(value).strip()
    if not _RUN_ID.match(value):
        raise ValueError(f"a run id is 1-64 of a-z, 0-9 and _ (one WAMP URI component), got {value!r}")
    return value


def default_run_id(module: str, players: int) -> str:
    """The id processes started without --run-id share: the same module and -w meet each other."""
    slug = re.sub(r"[^0-9a-z]+", "_", module.lower()).strip("_")[:40] or "tasks"
    return f"auto_{slug}_w{players}"


def run_uri(run_id: str, *parts: str | int) -> str:
    return ".".join([URI_PREFIX, run_id, *(str(part) for part in parts)])


@dataclass
class WorkerInfo:
    """A worker process as the leader knows it: from its announce call."""

    worker_id: int  # its control session id: unique on the router
    label: str
    players: list[str]
    link: WorkerLink | None = field(default=None, repr=False)


def describe_process(players: Sequence[str]) -> str:
    """How a process is named in messages: its first player, how many more, and its pid."""
    first = players[0] if players else "no players"
    more = f" +{len(players) - 1}" if len(players) > 1 else ""
    return f"'{first}'{more} (pid {os.getpid()} on {socket.gethostname()})"


def order_players(leader_players: Sequence[str], workers: Iterable[WorkerInfo]) -> list[tuple[str, int | None]]:
    """Every player with its owner (None = the leader), in roster order.

    The leader's players come first in their own order, then each worker's in its order, workers
    sorted by first player's name (then id), so the roster does not depend on who announced first.
    """
    ordered: list[tuple[str, int | None]] = [(name, None) for name in leader_players]
    for worker in sorted(workers, key=lambda w: (w.players[0] if w.players else "", w.worker_id)):
        ordered.extend((name, worker.worker_id) for name in worker.players)
    return ordered


def announce_refusal(known: Iterable[str], expected: int, players: Sequence[str], *,
                     started: bool, run_id: str) -> tuple[str, str] | None:
    """Why the leader refuses an announce, as (error URI, message), or None to accept it."""
    known = set(known)
    if started:
        return ERROR_RUN_FULL, (f"run '{run_id}' has already started; give this process the "
                                "run id of a run that is still gathering, or a new one")
    clash = next((name for name in players if name in known), None)
    if clash is not None:
        return ERROR_DUPLICATE_PLAYER, (f"run '{run_id}' already has a player named '{clash}'; "
                                        "give each process its own --user-email or --name")
    if len(known) + len(players) > expected:
        return ERROR_RUN_FULL, (f"run '{run_id}' expects {expected} players and has {len(known)}; "
                                f"these {len(players)} would be too many: check -w, or use a "
                                "distinct --run-id for a concurrent run")
    return None


def missing_message(run_id: str, expected: int, joined: Sequence[str], timeout: float) -> str:
    """The leader's one line when not all players came within --join-timeout."""
    shown = ", ".join(joined[:5]) + (f" and {len(joined) - 5} more" if len(joined) > 5 else "")
    return (f"run '{run_id}': only {len(joined)} of {expected} players joined within {timeout:g} s "
            f"(--join-timeout); {expected - len(joined)} missing. Joined: {shown or 'none'}. "
            "Start the missing processes with the same --run-id and -w, or lower -w")


# -- the coordinator ---------------------------------------------------------------------------

class RunCoordinator:
    """This process's part in a run shared by several processes; the engine calls begin/end."""

    def __init__(self, *, run_id: str, expected_players: int, address: RouterAddress,
                 ticket: str | None, ticket_authid: str, join_timeout: float) -> None:
        if not ticket:
            raise ConfigurationError(
                "processes meet through the router as the profiler principal: set "
                "SIMPL_PROFILER_TICKET or pass --ticket (also with --auth wampcra)")
        self.run_id = run_id
        self.expected = expected_players
        self.address = address
        self.credentials = Credentials("ticket", ticket_authid, ticket)
        self.join_timeout = join_timeout
        self.role: str | None = None
        self.failure: str | None = None  # why the run failed, when the reason is not a player's task
        self.session: PlayerSession | None = None
        self.workers: dict[int, WorkerInfo] = {}
        self._run: ProfileRun | None = None
        self._local: GroupExecutor | None = None
        self._left: set[int] = set()
        self._leader_id: int | None = None
        self._leader_gone: asyncio.Event | None = None
        self._leave_request: asyncio.Event | None = None
        self._worker_stop: asyncio.Event | None = None
        self._all_joined: asyncio.Event | None = None
        self._started = False
        self._local_names: list[str] = []

    # -- shared --------------------------------------------------------------------------------

    async def begin(self, run: ProfileRun, local: GroupExecutor, *,
                    stop: asyncio.Event) -> tuple[list[str], GroupExecutor]:
        """After this process's players joined: the whole run's players and the executor to use.

        A worker serves the leader's groups inside this call and returns no players.
        """
        self._run, self._local = run, local
        self._local_names = [identity.name for identity in run.identities]
        self._leader_gone = asyncio.Event()
        self.session = await join_session(self.address, self.credentials, timeout=self.join_timeout)
        await self.session.subscribe(self._on_session_leave, ON_LEAVE)
        try:
            await self.session.register(self._announce, run_uri(self.run_id, "leader"))
        except ApplicationError as exc:
            if exc.error != ApplicationError.PROCEDURE_ALREADY_EXISTS:
                raise JoinError(f"cannot register this run's leader procedure: {exc.error}") from exc
            self.role = "worker"
            return await self._serve(run, local, stop)
        self.role = "leader"
        return await self._gather(local, stop)

    async def end(self, run: ProfileRun, *, completed: bool) -> None:
        """Leader: tell every worker how the run went. Everyone: leave the control session."""
        try:
            if self.role == "leader":
                lost = [w.link for w in self.workers.values() if w.link is not None and w.link.gone]
                if lost and self.failure is None:
                    self.failure = "; ".join(f"worker {link.label} was lost: {link.gone_reason}"
                                             for link in lost) + "; its players' task runs failed"
                ok = completed and run.metrics.failed_players == 0 and self.failure is None
                await self._dismiss_workers(ok, self.failure or self._outcome_message(run, completed))
        finally:
            if self.session is not None:
                await leave_session(self.session)
                self.session = None

    def _on_session_leave(self, session_id: Any, *_args: Any, **_kwargs: Any) -> None:
        self._left.add(session_id)
        if self.role == "worker" and session_id == self._leader_id and self._leader_gone is not None:
            self._leader_gone.set()
        worker = self.workers.get(session_id)
        if worker is not None and worker.link is not None:
            worker.link.mark_gone("its session left the router (process ended or killed)")

    # -- leader --------------------------------------------------------------------------------

    async def _gather(self, local: GroupExecutor, stop: asyncio.Event) -> tuple[list[str], GroupExecutor]:
        self._all_joined = asyncio.Event()
        self._check_all_joined()
        waits = [asyncio.ensure_future(self._all_joined.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waits, timeout=self.join_timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
        self._started = True  # from now on announces are refused: the roster is fixed
        ordered = order_players(self._local_names, self.workers.values())
        if stop.is_set():
            return [], local
        if not self._all_joined.is_set():
            self.failure = missing_message(self.run_id, self.expected, [n for n, _ in ordered],
                                           self.join_timeout)
            raise JoinError(self.failure)
        owners = {name: owner for name, owner in ordered}
        for worker in self.workers.values():
            worker.link = WorkerLink(self.session, worker.worker_id, worker.label,
                                     run_uri(self.run_id, "worker", worker.worker_id, "run_group"),
                                     run_uri(self.run_id, "worker", worker.worker_id, "progress"))
            if worker.worker_id in self._left:
                worker.link.mark_gone("its session left the router before the run started")
        links = {worker.worker_id: worker.link for worker in self.workers.values()}
        return [name for name, _ in ordered], RemoteExecutor(local, owners, links)

    def _announce(self, worker_id: int, label: str, players: list[str]) -> dict[str, Any]:
        known = self._local_names + [n for w in self.workers.values() for n in w.players]
        refusal = announce_refusal(known, self.expected, players, started=self._started,
                                   run_id=self.run_id)
        if refusal is not None:
            raise ApplicationError(refusal[0], refusal[1])
        self.workers[int(worker_id)] = WorkerInfo(int(worker_id), str(label), [str(p) for p in players])
        self._check_all_joined()
        return {"leader": self.session.session_id, "label": describe_process(self._local_names)}

    def _check_all_joined(self) -> None:
        joined = len(self._local_names) + sum(len(w.players) for w in self.workers.values())
        if self._all_joined is not None and joined >= self.expected:
            self._all_joined.set()

    @staticmethod
    def _outcome_message(run: ProfileRun, completed: bool) -> str:
        if not completed:
            return "the run was stopped before every task ran"
        failed = run.metrics.failed_players
        return f"{failed} player task run(s) failed" if failed else "all tasks done"

    async def _dismiss_workers(self, ok: bool, message: str) -> None:
        calls = [self.session.call(run_uri(self.run_id, "worker", worker.worker_id, "leave"), ok, message)
                 for worker in self.workers.values()
                 if worker.link is None or not worker.link.gone]
        if not calls or self.session is None:
            return
        # A worker that is gone or stuck must not hold the leader: bounded, errors ignored.
        pending = [asyncio.ensure_future(call) for call in calls]
        done, not_done = await asyncio.wait(pending, timeout=LEAVE_CALL_TIMEOUT)
        for call in not_done:
            call.cancel()
        for call in done:
            call.exception()  # retrieved, so asyncio does not log it

    # -- worker --------------------------------------------------------------------------------

    async def _serve(self, run: ProfileRun, local: GroupExecutor,
                     stop: asyncio.Event) -> tuple[list[str], GroupExecutor]:
        # A worker prints little: the leader reports the groups, the live progress and the summary.
        for listener in run.events.became_worker:
            listener()
        run.events.run_finished.clear()
        session = self.session
        me = session.session_id
        self._leave_request = asyncio.Event()
        self._worker_stop = asyncio.Event()
        await session.register(self._run_group, run_uri(self.run_id, "worker", me, "run_group"))
        await session.register(self._leave, run_uri(self.run_id, "worker", me, "leave"))
        await session.register(self._progress, run_uri(self.run_id, "worker", me, "progress"))
        try:
            async with asyncio.timeout(self.join_timeout):
                reply = await session.call(run_uri(self.run_id, "leader"), me,
                                           describe_process(self._local_names), self._local_names)
        except TimeoutError:
            raise JoinError(f"run '{self.run_id}': the leader did not answer within "
                            f"{self.join_timeout:g} s (--join-timeout)") from None
        except ApplicationError as exc:
            if exc.error == ApplicationError.NO_SUCH_PROCEDURE:
                raise JoinError(f"run '{self.run_id}': the leader left before this process "
                                "joined; start the run again") from exc
            message = exc.args[0] if exc.args else exc.error
            raise JoinError(str(message)) from exc
        self._leader_id = reply["leader"]
        leader_label = reply.get("label", f"session {self._leader_id}")
        if self._leader_id in self._left:
            self._leader_gone.set()
        # Shielded: cancelling our wait must not cancel the protocol's own future.
        closed = asyncio.ensure_future(asyncio.shield(session._transport.is_closed))
        waits = [asyncio.ensure_future(event.wait())
                 for event in (self._leave_request, self._leader_gone, stop)]
        try:
            await asyncio.wait([*waits, closed], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in [*waits, closed]:
                waiting.cancel()
            self._worker_stop.set()  # a group still running here is cancelled
        if self._leave_request.is_set():
            return [], local  # failure (if any) was set by _leave
        if not stop.is_set():
            why = "left the router" if self._leader_gone.is_set() else "became unreachable"
            self.failure = (f"run '{self.run_id}': the leader {leader_label} {why} before the "
                            "run ended; this process's players stopped")
        return [], local

    async def _run_group(self, task_id: str, group: int, members: list[str],
                         timeout: float, group_size: int | None = None) -> dict[str, Any]:
        metrics = GroupMetrics(str(task_id), int(group))
        task = next((t for t in self._run.tasks if t.id == task_id), None)
        mine = [name for name in members if name in self._local_names]
        for name in members:
            if task is None or name not in mine:
                why = (f"task {task_id} is not in this worker's module; run every process with the same -m"
                       if task is None else "not a player of this worker")
                metrics.record_task(str(name), 0.0, why)
        if task is not None and mine:
            metrics.merge(await self._local.run_group(task, int(group), mine, timeout=float(timeout),
                                                      stop=self._worker_stop,
                                                      group_size=int(group_size or len(members))))
        return metrics.to_dict()

    def _progress(self, since: int) -> dict[str, Any] | None:
        """The leader's live-progress poll: how far this process's share of the current group is."""
        return progress_reply(getattr(self._local, "current", None), int(since))

    def _leave(self, ok: bool, message: str) -> None:
        if not ok:
            self.failure = f"run '{self.run_id}' failed ({message}); the leader's output names the failures"
        self._leave_request.set()
