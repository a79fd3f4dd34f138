"""What tasks print, attributed to the player that printed it and summarised per task and group.

Task files print (the reference tasks even swallow their exceptions with `print(e)`). With
hundreds of players on one event loop those lines would interleave into noise, and a swallowed
error would be lost in it. So while a run goes, `capture_task_output()` replaces `sys.stdout`
with a `TaskStdout` proxy that routes each write by a ContextVar naming the current player's
`TaskOutput`:

* the executor calls `bind_task_output(player, summary)` at the start of each player's task run,
  inside that run's own context: the player's asyncio task (each task has its own copy of the
  context) or the thread of a sync task (the executor binds in that thread's fresh context);
* writes with no bound player (the profiler's own output, other threads) go straight through;
* a player's writes are split into lines; each complete line goes into the group's
  `OutputSummary`, where identical lines are counted together with the first players that
  printed them. With `echo`, each line is also written through as `[player] line`.

Not for: the profiler's own console output (report.py) or logging (the command configures it).
"""
from __future__ import annotations

import contextlib
import contextvars
import io
import sys
import threading
from typing import Any, Iterator, TextIO

# Distinct messages kept per task and group; a task printing a counter would otherwise grow memory.
MAX_MESSAGES = 200
MAX_MESSAGE_CHARS = 500
# Player names kept per message, to say who printed it without listing thousands.
PLAYER_SAMPLE = 5

_current: contextvars.ContextVar[TaskOutput | None] = contextvars.ContextVar(
    "profiler_task_output", default=None)


class MessageCount:
    """One distinct line: how often it was printed, by how many players, and the first of them."""

    __slots__ = ("count", "player_count", "players", "_seen")

    def __init__(self) -> None:
        self.count = 0
        self.player_count = 0
        self.players: list[str] = []
        self._seen: set[str] = set()

    def add(self, player: str) -> None:
        self.count += 1
        if player not in self._seen:
            self._seen.add(player)
            self.player_count += 1
            if len(self.players) < PLAYER_SAMPLE:
                self.players.append(player)

    def merge(self, other: MessageCount) -> None:
        # Players of different processes are different players, so their numbers add up.
        self.count += other.count
        self.player_count += other.player_count
        room = PLAYER_SAMPLE - len(self.players)
        self.players.extend(other.players[:max(room, 0)])


class OutputSummary:
    """The lines printed by the players of one task and group, grouped by text (thread-safe)."""

    __slots__ = ("messages", "dropped", "_lock")

    def __init__(self) -> None:
        self.messages: dict[str, MessageCount] = {}
        self.dropped = 0  # lines of messages beyond MAX_MESSAGES distinct ones
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.messages)

    @property
    def lines(self) -> int:
        return sum(m.count for m in self.messages.values()) + self.dropped

    def add(self, player: str, line: str) -> None:
        text = line.strip()
        if not text:
            return
        if len(text) > MAX_MESSAGE_CHARS:
            text = text[:MAX_MESSAGE_CHARS - 1] + "…"
        with self._lock:  # sync tasks print from their own threads
            message = self.messages.get(text)
            if message is None:
                if len(self.messages) >= MAX_MESSAGES:
                    self.dropped += 1
                    return
                message = self.messages[text] = MessageCount()
            message.add(player)

    def most_common(self) -> list[tuple[str, MessageCount]]:
        return sorted(self.messages.items(), key=lambda item: (-item[1].count, item[0]))

    def merge(self, other: OutputSummary) -> None:
        with self._lock:
            for text, theirs in other.messages.items():
                mine = self.messages.get(text)
                if mine is None:
                    if len(self.messages) >= MAX_MESSAGES:
                        self.dropped += theirs.count
                        continue
                    mine = self.messages[text] = MessageCount()
                mine.merge(theirs)
            self.dropped += other.dropped

    def to_dict(self) -> dict[str, Any]:
        return {"messages": [{"text": text, "count": m.count, "players": m.player_count,
                              "first_players": list(m.players)} for text, m in self.most_common()],
                "dropped": self.dropped}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> OutputSummary:
        summary = cls()
        for item in (data or {}).get("messages", []):
            message = MessageCount()
            message.count = int(item["count"])
            message.player_count = int(item.get("players", 0))
            message.players = [str(p) for p in item.get("first_players", [])][:PLAYER_SAMPLE]
            summary.messages[str(item["text"])] = message
        summary.dropped = int((data or {}).get("dropped", 0))
        return summary


class TaskOutput:
    """One player's output during one task run: a line buffer in front of the group's summary."""

    __slots__ = ("player", "summary", "_partial")

    def __init__(self, player: str, summary: OutputSummary) -> None:
        self.player = player
        self.summary = summary
        self._partial = ""

    def write(self, text: str) -> list[str]:
        """Buffer `text`; record and return the lines it completes (print() writes in pieces)."""
        pending = self._partial + text
        if "\n" not in pending:
            self._partial = pending
            return []
        *lines, self._partial = pending.split("\n")
        for line in lines:
            self.summary.add(self.player, line)
        return lines

    def close(self) -> list[str]:
        """Record a last line printed without a newline."""
        rest, self._partial = self._partial, ""
        if rest:
            self.summary.add(self.player, rest)
            return [rest]
        return []


def bind_task_output(player: str, summary: OutputSummary) -> TaskOutput:
    """Attribute what the current context prints to `player` (call in the task's own context)."""
    output = TaskOutput(player, summary)
    _current.set(output)
    return output


def current_task_output() -> TaskOutput | None:
    return _current.get()


class TaskStdout(io.TextIOBase):
    """A sys.stdout stand-in: task output to its player's summary, everything else through."""

    def __init__(self, original: TextIO, *, echo: bool = False) -> None:
        super().__init__()
        self.original = original
        self.echo = echo

    def write(self, text: str) -> int:
        output = _current.get()
        if output is None:
            return self.original.write(text)
        lines = output.write(text)
        if self.echo and lines:
            self.original.write("".join(f"[{output.player}] {line}\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        self.original.flush()

    def isatty(self) -> bool:
        return self.original.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.original, "encoding", "utf-8")

    def fileno(self) -> int:
        return self.original.fileno()


@contextlib.contextmanager
def capture_task_output(*, echo: bool = False) -> Iterator[TaskStdout]:
    """Install the TaskStdout proxy on sys.stdout for the duration of a run, then restore it."""
    original = sys.stdout
    proxy = TaskStdout(original, echo=echo)
    sys.stdout = proxy
    try:
        yield proxy
    finally:
        if sys.stdout is proxy:
            sys.stdout = original



def use_task_output(output: TaskOutput | None) -> None:
    """Attribute what this context prints to an existing TaskOutput (a sync task's own thread)."""
    _current.set(output)
