"""JSON shapes of the game resources, key for key as simpl-games-api sends them (§A.6).

Every resource has `id`, `created`, `updated` (read-only). Worlds, runusers, scenarios, periods,
decisions and results add the read-only `run_active` (the owning run's `active`, null when it
cannot be resolved). A runuser copies `email`, `first_name`, `last_name` from its user and
`role_name` from its role, and, as in the reference, leaves `role_name` out when it has no role.

Not for: users (users.py) or request parameters such as filters (filters.py).
"""
from __future__ import annotations

from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from . import models

_STAMPS = ("id", "created", "updated")


class _GameSerializer(serializers.ModelSerializer):
    class Meta:
        read_only_fields = _STAMPS


class _RunOwnedSerializer(_GameSerializer):
    run_active = serializers.BooleanField(read_only=True, allow_null=True)


class GameSerializer(_GameSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Game
        fields = ("id", "name", "slug", "active", "data", "created", "updated")
        # Blank means "make one from the name" (Game.save).
        extra_kwargs = {"slug": {"required": False, "allow_blank": True}}


class PhaseSerializer(_GameSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Phase
        fields = ("id", "name", "slug", "game", "order", "created", "updated")


class RoleSerializer(_GameSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Role
        fields = ("id", "name", "slug", "game", "data", "created", "updated")


class RunSerializer(_GameSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Run
        fields = ("id", "name", "active", "game", "data", "phase", "created", "updated")


class WorldSerializer(_RunOwnedSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.World
        fields = ("id", "name", "run", "data", "external_ids", "run_active", "created", "updated")


class RunUserSerializer(_RunOwnedSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)

    class Meta(_GameSerializer.Meta):
        model = models.RunUser
        fields = ("id", "user", "run", "world", "role", "leader", "active", "data", "email",
                  "first_name", "last_name", "role_name", "run_active", "created", "updated")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.role_id is None:
            data.pop("role_name", None)
        return data


class ScenarioSerializer(_RunOwnedSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Scenario
        fields = ("id", "name", "runuser", "world", "data", "run_active", "created", "updated")


class PeriodSerializer(_RunOwnedSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Period
        fields = ("id", "scenario", "order", "data", "run_active", "created", "updated")


class _UniqueNamePeriodRole(UniqueTogetherValidator):
    """(name, period, role) unique with a null role counting as a value, like the model's two
    partial unique indexes (DRF's own reading of those conditional constraints misses the null case).
    A create without `role` is checked as role null, which is what the model will store."""

    def __init__(self, model) -> None:
        super().__init__(queryset=model.objects.all(), fields=("name", "period", "role"), nulls_distinct=False)

    def __call__(self, attrs, serializer):
        if serializer.instance is None and "role" not in attrs:
            attrs = {**attrs, "role": None}
        return super().__call__(attrs, serializer)


class _PeriodRecordSerializer(_RunOwnedSerializer):
    # Not required and no default: a PUT without `role` keeps the stored role, as in the reference.
    role = serializers.PrimaryKeyRelatedField(queryset=models.Role.objects.all(), allow_null=True,
                                              required=False)


class DecisionSerializer(_PeriodRecordSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Decision
        fields = ("id", "name", "data", "period", "role", "run_active", "created", "updated")
        validators = [_UniqueNamePeriodRole(models.Decision)]


class ResultSerializer(_PeriodRecordSerializer):
    class Meta(_GameSerializer.Meta):
        model = models.Result
        fields = ("id", "name", "data", "period", "role", "run_active", "created", "updated")
        validators = [_UniqueNamePeriodRole(models.Result)]


class RewindSerializer(serializers.Serializer):
    """Body of `POST /apis/scenarios/<pk>/rewind/`; every key is optional."""

    last_period_order = serializers.IntegerField(default=0)
    delete_last_period_decisions = serializers.BooleanField(default=True)
    delete_last_period_results = serializers.BooleanField(default=True)
