"""Errors of the seeder. Every message is one line that says what is wrong and what to do.

    SeedError              bad input, or a state the seeder refuses (an existing run without reset)
    +-- ApiUnreachable     no HTTP answer from the games API (refused, reset, timed out)
    +-- ApiRequestFailed   the API answered with an unexpected status (carries status and body)

Not for: errors of the games API server itself (those are its HTTP answers).
"""
from __future__ import annotations


class SeedError(Exception):
    """Seeding cannot go on; str(error) is the message for the user."""


class ApiUnreachable(SeedError):
    """Raised when a request to the games API gets no HTTP answer."""

    def __init__(self, base_url: str, cause: BaseException) -> None:
        reason = str(cause) or type(cause).__name__
        super().__init__(f"cannot reach the games API at {base_url}: {reason}; "
                         "start it or point SIMPL_GAMES_URL (or --url) at it")


class ApiRequestFailed(SeedError):
    """Raised when the games API answers a request with a status the seeder did not expect."""

    def __init__(self, method: str, target: str, status: int, body: str) -> None:
        self.method, self.target, self.status, self.body = method, target, status, body
        hint = {401: "; check SIMPL_GAMES_AUTH (email:password of the staff account)",
                403: "; SIMPL_GAMES_AUTH must be a staff account (seeding sets passwords)"}.get(status, "")
        snippet = " ".join(body.split())[:300]
        super().__init__(f"games API answered {status} to {method} {target}: {snippet}{hint}")
