"""Finding the profile tasks: `profile_*` methods of ProfileCase classes in `profile*.py` files.

Discovery reuses unittest's loader, as the original profiler did, so task files written for it
are found the same way and in the same order (file name, class, method name). What changes is
that failure is loud: a task file that does not import is reported with its traceback and stops
the run (unittest would turn it into a "failed test" and carry on), and finding no task at all
is an error rather than a run that does nothing and exits 0. unittest's skip decorators work as
task authors expect (`@unittest.skipUnless(settings.GAME_SLUG == "simpl-div", ...)` on a class or
a method): such a task is found, carries its `skip_reason`, and the engine reports it unrun.

Not for: running tasks (executor.py) or constructing the ProfileCase instances (tasks.py).
"""
from __future__ import annotations

import importlib
import inspect
import traceback
import unittest
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Iterator

from .errors import TaskDiscoveryError

TASK_PREFIX = "profile"
TASK_FILE_PATTERN = "profile*.py"


@dataclass(frozen=True)
class TaskSpec:
    """One task: a `profile*` method of a ProfileCase subclass, and its id (`module.Class.method`)."""

    id: str
    case_class: type
    method_name: str
    skip_reason: str | None = None

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(getattr(self.case_class, self.method_name))


class ProfileTaskLoader(unittest.TestLoader):
    """unittest's loader with the original profiler's prefix; task methods start with `profile`."""

    testMethodPrefix = TASK_PREFIX


def discover_tasks(module: str) -> list[TaskSpec]:
    """The tasks of dotted package (or module) `module`, or TaskDiscoveryError saying what is wrong."""
    from modelservice.profiler import ProfileCase  # late: profiler imports the engine's context

    package = _import(module)
    loader = ProfileTaskLoader()
    if hasattr(package, "__path__"):
        # Discover from the package's directory with an explicit top level, rather than from the
        # dotted name: unittest takes a name that is also a directory under the current
        # directory (`-m profilers`) for a path, and would then import the task files under
        # other module names than the package's.
        start = Path(list(package.__path__)[0])
        top = start.parents[module.count(".")]
        try:
            suite = loader.discover(str(start), pattern=TASK_FILE_PATTERN, top_level_dir=str(top))
        except (ImportError, TypeError) as exc:
            raise TaskDiscoveryError(f"cannot discover tasks in {module}: {exc}") from exc
    else:  # a single task file given directly: -m game.profilers.profile_test
        suite = loader.loadTestsFromModule(package)
    if loader.errors:
        raise TaskDiscoveryError(
            f"a task file in {module} failed to import:\n" + "\n".join(loader.errors).rstrip())
    tasks = [
        TaskSpec(case.id(), type(case), case._testMethodName, _skip_reason(case))
        for case in _flatten(suite) if isinstance(case, ProfileCase)
    ]
    if not tasks:
        raise TaskDiscoveryError(
            f"no profile tasks found in {module}: expected {TASK_FILE_PATTERN} files with "
            f"ProfileCase subclasses whose methods start with '{TASK_PREFIX}'")
    return tasks


def _skip_reason(case: unittest.TestCase) -> str | None:
    """Why unittest's skip decorators say not to run this task (on its class or method), or None."""
    for holder in (type(case), getattr(type(case), case._testMethodName)):
        if getattr(holder, "__unittest_skip__", False):
            return getattr(holder, "__unittest_skip_why__", "") or "skipped"
    return None


def _import(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise TaskDiscoveryError(
                f"task module {module!r} not found (no module named {exc.name!r}); "
                "check -m/--module and that its parent directory is on the Python path") from None
        raise TaskDiscoveryError(f"task module {module} failed to import:\n{_format(exc)}") from exc
    except Exception as exc:
        raise TaskDiscoveryError(f"task module {module} failed to import:\n{_format(exc)}") from exc


def _format(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)).rstrip()


def _flatten(suite: unittest.TestSuite) -> Iterator[unittest.TestCase]:
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _flatten(item)
        else:
            yield item
