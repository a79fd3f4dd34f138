"""Who is calling: the caller's games-API user, from WAMP call details (§B.6).

For: turning (authrole, authid, kwargs) into a user lookup, loading that user, and finding
the user's runuser in a run. The rules are the reference's:

* role `profiler`: the user is named by the `user_email` kwarg, which is removed before the
  procedure sees its kwargs; without it there is no user;
* role `browser`: the authid names the user, an all-digits authid being a user id and
  anything else an email;
* role `service` (and any other): no user; such callers are trusted and see everything.

Not for: authentication (the router and the authenticator process do that) or authorisation
beyond the tree filtering in `tree`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .errors import ApiNotFound, CallerError

USER_EMAIL_KWARG = "user_email"


class ReadsApi(Protocol):
    async def get(self, resource: str, key: int | str) -> dict[str, Any]: ...
    async def filter(self, resource: str, **params: Any) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class UserKey:
    """How to find the caller's user: by `id` (int) or by `email` (str)."""

    by: str
    value: int | str


def identify_caller(authrole: str | None, authid: str | None,
                    kwargs: dict[str, Any]) -> tuple[UserKey | None, dict[str, Any]]:
    """(how to find the caller's user or None, the kwargs the procedure should receive)."""
    if authrole == "profiler":
        rest = dict(kwargs)
        email = rest.pop(USER_EMAIL_KWARG, None)
        if email is None or email == "":
            return None, rest
        if not isinstance(email, str):
            raise CallerError(f"{USER_EMAIL_KWARG} must be a string, got {type(email).__name__}")
        return UserKey("email", email), rest
    if authrole == "browser" and authid:
        if authid.isascii() and authid.isdigit():
            return UserKey("id", int(authid)), kwargs
        return UserKey("email", authid), kwargs
    return None, kwargs


async def load_user(api: ReadsApi, key: UserKey | None) -> dict[str, Any] | None:
    """The user row `key` names (None for no key); CallerError when there is no such user."""
    if key is None:
        return None
    if key.by == "id":
        try:
            return await api.get("user", key.value)
        except ApiNotFound as exc:
            raise CallerError(f"no user with id {key.value}") from exc
    users = await api.filter("user", email=key.value)
    if len(users) != 1:
        raise CallerError(f"no user with email {key.value!r}" if not users
                          else f"{len(users)} users with email {key.value!r}")
    return users[0]


async def find_runuser(api: ReadsApi, user: dict[str, Any], run_id: int) -> dict[str, Any] | None:
    """The runuser of `user` in run `run_id`, or None when the user is not in that run."""
    rows = await api.filter("runuser", user=user["id"], run=run_id)
    return rows[0] if rows else None
