"""List filters of the games API, with the reference's names and semantics (§A.4).

* Only declared names count; any other query parameter is ignored (so is an empty value).
* Foreign keys are model-choice filters: an unknown or non-numeric pk is a 400, not an empty list.
* Booleans accept true/false/1/0 in any case; any other value leaves the filter off.
* `run` on scenarios, periods, decisions and results is a number: 400 on a non-number, empty list
  for an unknown run. It and `game_slug`/`run_active` follow a scenario to its run through its
  world OR its runuser.

Not for: ordering (the reference ignores `ordering=`; lists come in pk order) or pagination.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from . import models

# Path from each model to its Scenario; "" is the scenario itself.
_TO_SCENARIO = {"scenario": "", "period": "scenario__", "decision": "period__scenario__"}


def _via_scenario(prefix: str, tail: str, value) -> Q:
    """A condition on the run, reached through the scenario's world or its runuser."""
    return Q(**{f"{prefix}world__run{tail}": value}) | Q(**{f"{prefix}runuser__run{tail}": value})


class _ScenarioPathFilterSet(filters.FilterSet):
    """game_slug, run_active and run for models that reach their run through a scenario."""

    scenario_prefix = ""
    game_slug = filters.CharFilter(method="filter_game_slug")
    run_active = filters.BooleanFilter(method="filter_run_active")
    run = filters.NumberFilter(method="filter_run")

    def filter_game_slug(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_via_scenario(self.scenario_prefix, "__game__slug", value))

    def filter_run_active(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_via_scenario(self.scenario_prefix, "__active", value))

    def filter_run(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_via_scenario(self.scenario_prefix, "", int(value)))


class GameFilter(filters.FilterSet):
    class Meta:
        model = models.Game
        fields = ["active", "name", "slug"]


class PhaseFilter(filters.FilterSet):
    game_slug = filters.CharFilter(field_name="game__slug")

    class Meta:
        model = models.Phase
        fields = ["game", "name", "slug"]


class RoleFilter(PhaseFilter):
    class Meta:
        model = models.Role
        fields = ["game", "name", "slug"]


class RunFilter(filters.FilterSet):
    game_slug = filters.CharFilter(field_name="game__slug")

    class Meta:
        model = models.Run
        fields = ["game", "name", "active"]


class WorldFilter(filters.FilterSet):
    game_slug = filters.CharFilter(field_name="run__game__slug")
    run_active = filters.BooleanFilter(field_name="run__active")

    class Meta:
        model = models.World
        fields = ["run", "name"]


class RunUserFilter(WorldFilter):
    class Meta:
        model = models.RunUser
        fields = ["active", "leader", "role", "run", "user", "world"]


class ScenarioFilter(_ScenarioPathFilterSet):
    scenario_prefix = _TO_SCENARIO["scenario"]

    class Meta:
        model = models.Scenario
        fields = ["runuser", "world", "name", "world__run", "runuser__run"]


class PeriodFilter(_ScenarioPathFilterSet):
    scenario_prefix = _TO_SCENARIO["period"]

    class Meta:
        model = models.Period
        fields = ["scenario", "order", "scenario__world__run", "scenario__runuser__run"]


class DecisionFilter(_ScenarioPathFilterSet):
    scenario_prefix = _TO_SCENARIO["decision"]

    class Meta:
        model = models.Decision
        fields = ["name", "period", "role", "period__scenario__world__run", "period__scenario__runuser__run"]


class ResultFilter(DecisionFilter):
    class Meta:
        model = models.Result
        fields = ["name", "period", "role", "period__scenario__world__run", "period__scenario__runuser__run"]


class UserFilter(filters.FilterSet):
    # Extension: several emails at once (comma-separated), so the seeder can find existing players
    # in a few requests instead of one per player.
    email__in = filters.BaseInFilter(field_name="email", lookup_expr="in")

    class Meta:
        model = models.User
        fields = ["external_id", "is_active", "is_staff", "is_superuser", "email", "id", "subscriber_code"]


def recognised_filters(filterset_class: type[filters.FilterSet], params) -> list[str]:
    """The query parameters that name a filter of `filterset_class` and have a non-empty value."""
    return sorted(name for name in filterset_class.base_filters if params.get(name, "") != "")
