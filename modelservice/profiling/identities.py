"""Who the simulated players are: parsing users files and `--user-email` into identities.

A users file holds one player per line, either `email` or `email,password`. Blank lines, lines
starting with `#`, trailing spaces and CRLF endings are tolerated; anything else that is not an
email is an error naming the file and line, because a silently skipped player makes a run measure
something other than what was asked (the original shell wrapper hung on such lines).
When no password is given it defaults to the email's local part, the convention of the seeded
reference runs (`a1@calc.edu` / `a1`).

Not for: joining the router (players.py) or deciding group membership (groups.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import UsersFileError

# Deliberately loose: the games API decides what a valid email is; this only catches lines that
# are obviously not one (no '@', spaces inside, a stray second field).
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+$")


@dataclass(frozen=True, slots=True)
class PlayerIdentity:
    """One simulated player's identity. `email` is None for an anonymous player."""

    name: str
    email: str | None = None
    password: str | None = None


def default_password(email: str) -> str:
    """The seeded runs' convention: the password is the email's local part."""
    return email.partition("@")[0]


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def identity_for_email(email: str, password: str | None = None, *, name: str | None = None) -> PlayerIdentity:
    """An identity for one email (from `--user-email` or a users-file line)."""
    email = email.strip()
    if not is_email(email):
        raise UsersFileError(f"'{email}' is not an email address; give one like a1@calc.edu")
    return PlayerIdentity(name=name or email, email=email,
                          password=password if password else default_password(email))


def parse_users_lines(lines: Iterable[str], *, source: str) -> list[PlayerIdentity]:
    """Identities from users-file lines; `source` names the file in error messages."""
    identities: list[PlayerIdentity] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        email, comma, password = (part.strip() for part in line.partition(","))
        if not is_email(email) or (comma and not password):
            raise UsersFileError(
                f"{source}:{lineno}: {line!r} is not 'email' or 'email,password'; fix or delete that line")
        if email in seen:
            # Two players as one user would both act for that user; the tasks' own checks would fail.
            raise UsersFileError(
                f"{source}:{lineno}: {email} is already on line {seen[email]}; list each player once")
        seen[email] = lineno
        identities.append(identity_for_email(email, password or None))
    if not identities:
        raise UsersFileError(f"users file {source} has no email lines; put one email per line")
    return identities


def read_users_file(path: str | Path) -> list[PlayerIdentity]:
    """Identities from a users file, with one-line errors for a missing, unreadable or empty file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsersFileError(f"users file {path} does not exist; check the --users-file path") from None
    except IsADirectoryError:
        raise UsersFileError(f"users file {path} is a directory; give a file with one email per line") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsersFileError(f"cannot read users file {path}: {exc}") from None
    # splitlines() also splits on CR, so CRLF files and stray CRs need no special case.
    return parse_users_lines(text.splitlines(), source=str(path))
