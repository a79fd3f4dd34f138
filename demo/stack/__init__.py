"""The local Simpl stack as one object (`SimplStack`) and one command (`python -m demo.stack`).

`SimplStack` is imported on first use, so that `python -m demo.stack` can report a missing
dependency (autobahn, ...) as one line instead of failing while importing this package.

Not for: the profiler library, which reaches the stack only through `SimplStack.env`
(or `<run_dir>/stack.env`).
"""
from typing import Any

__all__ = ["GAMES", "SimplStack"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from demo.stack import core
        return getattr(core, name)
    raise AttributeError(f"module 'demo.stack' has no attribute {name!r}")
