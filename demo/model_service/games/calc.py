"""simpl-calc's rule: a player's decision adds its operand to a running total (§D.2).

For: `period.submit_decision(operand)`: record the decision on the period (an existing one is
kept, as in the reference), write the scenario's last period's result `{"total": operand +
previous total}`, open the next period, return "ok".
Not for: anything simpl-div does, or generic scope procedures.
"""
from __future__ import annotations

from numbers import Real

from ..context import CallContext
from ..errors import CallerError
from . import GameRules

DECISION = "decision"
RESULT = "results"  # the reference names calc's result "results" (and div's "result")


def operand_value(operand: object) -> int | float:
    """The operand as a number; CallerError for anything else (bools included)."""
    if isinstance(operand, bool) or not isinstance(operand, Real):
        raise CallerError(f"operand must be a number, got {operand!r}")
    return operand


async def submit_decision(ctx: CallContext, operand: object) -> str:
    """Record `operand` on this period, total it into the scenario's last period, step on."""
    value = operand_value(operand)
    api, period = ctx.api, ctx.lineage.scope.data
    scenario_id = period["scenario"]
    # Serialised per scenario: the steps below read the scenario's last period and append one.
    async with ctx.locks.hold(("scenario", scenario_id)):
        decision, created = await api.get_or_create(
            "decision", {"period": period["id"], "name": DECISION, "role": None},
            {"data": {"operand": value}})
        if created:
            await ctx.publisher.add_child(ctx.lineage, "decision", decision)

        periods = sorted(await api.filter("period", scenario=scenario_id),
                         key=lambda p: (p["order"], p["id"]))
        last = periods[-1]
        decisions = await api.filter("decision", period=last["id"], name=DECISION)
        if not decisions:
            raise CallerError(f"period {last['id']} (the scenario's last) has no decision yet")
        total = decisions[0]["data"].get("operand", 0)
        if len(periods) > 1:
            previous = await api.filter("result", period=periods[-2]["id"], name=RESULT)
            total += previous[0]["data"].get("total", 0) if previous else 0

        result, created = await api.get_or_create(
            "result", {"period": last["id"], "name": RESULT, "role": None},
            {"data": {"total": total}})
        if created:
            await ctx.publisher.add_child(ctx.lineage, "result", result)

        following, created = await api.get_or_create(
            "period", {"scenario": scenario_id, "order": last["order"] + 1})
        if created:
            await ctx.publisher.add_child(ctx.lineage, "period", following)
    return "ok"


RULES = GameRules("simpl-calc", {"period": {"submit_decision": submit_decision}})
