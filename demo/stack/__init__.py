"""The local Simpl stack as one object (`SimplStack`) and one command (`python -m demo.stack`).

Not for: the profiler library, which reaches the stack only through `SimplStack.env`
(or `<run_dir>/stack.env`).
"""
from demo.stack.core import GAMES, SimplStack

__all__ = ["GAMES", "SimplStack"]
