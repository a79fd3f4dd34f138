"""The profiler's exceptions, in one place.

Hierarchy (what the `profile` command does with each is in brackets)::

    ProfilerError                   base of every error the profiler raises itself
    +-- ConfigurationError          the run cannot start as configured               [exit 2]
    |   +-- UsersFileError          the users file is missing, empty or has a bad line
    |   +-- TaskDiscoveryError      the task module is unknown, fails to import or has no task
    |   +-- JoinError               players could not join the router (unreachable, refused, timeout)
    +-- TaskTimeout                 a player's task ran past --task-timeout          [player failed]
    +-- PlayerStopped               the run was stopped while the player's task ran  [player failed]

Stopping a run (Ctrl-C, SIGTERM) raises nothing: the engine sets its stop event, the executor
cancels the players still running (recording `PlayerStopped` for each), and the result says
`interrupted`.

Exceptions of autobahn and aiohttp raised while joining are mapped to `JoinError` in
`profiling.wamp` (with `raise ... from exc`). Exceptions raised *inside tasks* (including autobahn's
`ApplicationError` from a WAMP call) are not mapped: task files catch them by their own types, and the
metrics count them by WAMP error URI, HTTP status or class name.
"""
from __future__ import annotations


class ProfilerError(Exception):
    """Base class of the errors raised by the profiler itself."""


class ConfigurationError(ProfilerError):
    """Options, settings, users file or task module make the run impossible to start."""


class UsersFileError(ConfigurationError):
    """The users file is missing, unreadable, empty, or a line is not `email` / `email,password`."""


class TaskDiscoveryError(ConfigurationError):
    """The task module cannot be imported, a task file fails to import, or no task was found."""


class JoinError(ConfigurationError):
    """Players could not join the router: unreachable, refused credentials, or past --join-timeout."""


class TaskTimeout(ProfilerError):
    """A player's task did not finish within --task-timeout; that player has failed the task."""


class PlayerStopped(ProfilerError):
    """The run was stopped (Ctrl-C, SIGTERM) while this player's task was still running."""
