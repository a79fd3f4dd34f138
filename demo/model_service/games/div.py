"""simpl-div's rule: a world's Dividend and Divisor each decide; the quotient follows (§D.3).

For: `period.submit_decision(operand)`: the caller's role (from their runuser) names their
decision; a Divisor's 0 is refused with the string "Cannot divide by zero"; once both roles
have decided, the period's result `{"quotient": dividend / divisor}` is written exactly once.
Not for: anything simpl-calc does, or generic scope procedures.

Exactly once, without the reference's 10 ms sleep and webhook race: every submission on a
period runs under that period's lock in this process, so the second decider always sees the
first one's decision and alone writes the result; across processes the games API's uniqueness
of (name, period, role) results refuses a second row, which `get_or_create` reads as "already
written". A later change of mind updates the existing result instead of adding one.
"""
from __future__ import annotations

from ..context import CallContext
from ..errors import CallerError
from .calc import operand_value
from . import GameRules

DECISION = "decision"
RESULT = "result"
DIVIDEND = "Dividend"
DIVISOR = "Divisor"
ZERO_DIVISOR = "Cannot divide by zero"


async def submit_decision(ctx: CallContext, operand: object) -> str:
    """Record the caller's operand for their role; compute the quotient once both decided."""
    value = float(operand_value(operand))
    runuser = ctx.require_runuser("submit_decision")
    api, period = ctx.api, ctx.lineage.scope.data
    role_ids = {role["name"]: role["id"] for role in await api.filter("role", game_slug=ctx.game.slug)}
    role_name = next((name for name, pk in role_ids.items() if pk == runuser.get("role")), None)
    if role_name not in (DIVIDEND, DIVISOR):
        raise CallerError(f"runuser {runuser['id']} has no {DIVIDEND} or {DIVISOR} role "
                          f"(role {runuser.get('role')!r}), so it cannot decide")
    if role_name == DIVISOR and value == 0:
        return ZERO_DIVISOR

    async with ctx.locks.hold(("period", period["id"])):
        decision, created = await api.get_or_create(
            "decision", {"period": period["id"], "name": DECISION, "role": role_ids[role_name]},
            {"data": {"operand": value}})
        if created:
            await ctx.publisher.add_child(ctx.lineage, "decision", decision)
        elif decision["data"].get("operand") != value:
            decision = await api.update(
                "decision", decision["id"], {**decision, "data": {**decision["data"], "operand": value}})
            await ctx.publisher.update_child(ctx.lineage, "decision", decision)

        operands = {d["role"]: d["data"].get("operand")
                    for d in await api.filter("decision", period=period["id"], name=DECISION)}
        dividend, divisor = operands.get(role_ids.get(DIVIDEND)), operands.get(role_ids.get(DIVISOR))
        if dividend is None or divisor in (None, 0):
            return "ok"
        quotient = dividend / divisor
        result, created = await api.get_or_create(
            "result", {"period": period["id"], "name": RESULT, "role": None},
            {"data": {"quotient": quotient}})
        if created:
            await ctx.publisher.add_child(ctx.lineage, "result", result)
        elif result["data"].get("quotient") != quotient:
            result = await api.update(
                "result", result["id"], {**result, "data": {**result["data"], "quotient": quotient}})
            await ctx.publisher.update_child(ctx.lineage, "result", result)
    return "ok"


RULES = GameRules("simpl-div", {"period": {"submit_decision": submit_decision}})
