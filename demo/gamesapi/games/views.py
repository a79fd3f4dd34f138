"""REST viewsets of the game resources (`/apis/<resource>/`) and the scenario `rewind` action.

Plain DRF ModelViewSets: list (bare array + Link header), create 201, retrieve, update, partial
update, delete 204; any authenticated user may read and write (as in the reference). Querysets
fetch the path to the run with `select_related` so that `run_active` costs no extra query per row.

Not for: bulk requests (bulk.py), users and the auth helpers (users.py).
"""
from __future__ import annotations

from django.db import transaction
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from . import filters, models, serializers

_SCENARIO_RUNS = ("world__run", "runuser__run")


def _through(prefix: str, paths: tuple[str, ...]) -> list[str]:
    return [f"{prefix}{path}" for path in paths]


class GameViewSet(viewsets.ModelViewSet):
    queryset = models.Game.objects.order_by("pk")
    serializer_class = serializers.GameSerializer
    filterset_class = filters.GameFilter
    lookup_field = "slug"


class PhaseViewSet(viewsets.ModelViewSet):
    queryset = models.Phase.objects.order_by("pk")
    serializer_class = serializers.PhaseSerializer
    filterset_class = filters.PhaseFilter


class RoleViewSet(viewsets.ModelViewSet):
    queryset = models.Role.objects.order_by("created", "pk")
    serializer_class = serializers.RoleSerializer
    filterset_class = filters.RoleFilter


class RunViewSet(viewsets.ModelViewSet):
    queryset = models.Run.objects.order_by("pk")
    serializer_class = serializers.RunSerializer
    filterset_class = filters.RunFilter


class WorldViewSet(viewsets.ModelViewSet):
    queryset = models.World.objects.select_related("run").order_by("pk")
    serializer_class = serializers.WorldSerializer
    filterset_class = filters.WorldFilter


class RunUserViewSet(viewsets.ModelViewSet):
    queryset = models.RunUser.objects.select_related("run", "user", "role").order_by("pk")
    serializer_class = serializers.RunUserSerializer
    filterset_class = filters.RunUserFilter


class ScenarioViewSet(viewsets.ModelViewSet):
    queryset = models.Scenario.objects.select_related(*_SCENARIO_RUNS).order_by("pk")
    serializer_class = serializers.ScenarioSerializer
    filterset_class = filters.ScenarioFilter

    @action(detail=True, methods=["post"])
    def rewind(self, request: Request, pk: str | None = None) -> Response:
        """Delete the periods after `last_period_order` and, by default, that period's decisions and results."""
        scenario = self.get_object()
        options = serializers.RewindSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        order = options.validated_data["last_period_order"]
        with transaction.atomic():
            last = scenario.periods.filter(order=order).first()
            if last is None:
                # The reference raises DoesNotExist here (a 500); a 400 tells the caller what to fix.
                raise ValidationError({"last_period_order": [
                    f"scenario {scenario.pk} has no period with order {order}"]})
            scenario.periods.filter(order__gt=order).delete()
            if options.validated_data["delete_last_period_decisions"]:
                last.decisions.all().delete()
            if options.validated_data["delete_last_period_results"]:
                last.results.all().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PeriodViewSet(viewsets.ModelViewSet):
    queryset = models.Period.objects.select_related(*_through("scenario__", _SCENARIO_RUNS)).order_by("pk")
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter


class DecisionViewSet(viewsets.ModelViewSet):
    queryset = (models.Decision.objects
                .select_related(*_through("period__scenario__", _SCENARIO_RUNS)).order_by("pk"))
    serializer_class = serializers.DecisionSerializer
    filterset_class = filters.DecisionFilter


class ResultViewSet(viewsets.ModelViewSet):
    queryset = (models.Result.objects
                .select_related(*_through("period__scenario__", _SCENARIO_RUNS)).order_by("pk"))
    serializer_class = serializers.ResultSerializer
    filterset_class = filters.ResultFilter


# Resource name -> viewset, in the order of the reference's API root.
GAME_VIEWSETS: dict[str, type[viewsets.ModelViewSet]] = {
    "decisions": DecisionViewSet,
    "games": GameViewSet,
    "periods": PeriodViewSet,
    "phases": PhaseViewSet,
    "results": ResultViewSet,
    "roles": RoleViewSet,
    "runs": RunViewSet,
    "runusers": RunUserViewSet,
    "scenarios": ScenarioViewSet,
    "worlds": WorldViewSet,
}
