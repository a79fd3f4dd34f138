"""The emails file: one player email a line (LF), the input of `profile.sh -u` and the profiler.

Not for: other per-player data; passwords follow from the email (its local part).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .errors import SeedError


def write_emails_file(path: str | os.PathLike, emails: Iterable[str]) -> Path:
    """Write `emails`, one a line, creating the parent directory; returns the path written."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(f"{email}\n" for email in emails))
    except OSError as exc:
        raise SeedError(f"cannot write the emails file {target}: {exc.strerror or exc}; "
                        "choose another --emails-file") from exc
    return target


def read_emails_file(path: str | os.PathLike) -> list[str]:
    """The non-blank lines of an emails file, stripped."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise SeedError(f"cannot read the emails file {path}: {exc.strerror or exc}") from exc
    return [line.strip() for line in text.splitlines() if line.strip()]
