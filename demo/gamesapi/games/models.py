"""Database models of the demo games API: users and the game/run/world/scenario/period tree.

The shapes follow simpl-games-api (simpl-interfaces.md §A.6): the same fields, uniqueness and
cascades. `run_active` is a property here that walks already-fetched relations, so list views must
`select_related` the path to the run (the viewsets do).

Not for: serialization or filtering (serializers.py, filters.py); JSON shapes are decided there.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify


class UserManager(BaseUserManager):
    """Creates users keyed by email (there is no username)."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("a user needs an email address")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=30, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    subscriber_code = models.CharField(max_length=100, blank=True, default="")
    data = models.JSONField(null=True, blank=True, default=dict)
    date_joined = models.DateTimeField(default=timezone.now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class FollowsRun:
    """A row whose read-only `run_active` mirrors its run's `active` (§A.6).

    `run_owner` names the attribute one step towards the run (the run itself, or a row that
    follows it). `run_active` is None when there is no owner, or while a cascade deletes it.
    """

    run_owner = "run"

    def owner_towards_run(self) -> Any:
        return getattr(self, self.run_owner)

    @property
    def run_active(self) -> bool | None:
        try:
            owner = self.owner_towards_run()
        except ObjectDoesNotExist:  # the owner is being deleted in a cascade
            return None
        if owner is None:
            return None
        return owner.active if isinstance(owner, Run) else owner.run_active


class Game(Stamped):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=250, unique=True, blank=True)
    active = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class Phase(Stamped):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=250, blank=True)
    game = models.ForeignKey(Game, related_name="phases", on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("name", "game")]


class Role(Stamped):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=250, blank=True)
    game = models.ForeignKey(Game, related_name="roles", null=True, blank=True, on_delete=models.CASCADE)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        unique_together = [("name", "game")]


class Run(Stamped):
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    game = models.ForeignKey(Game, related_name="runs", on_delete=models.CASCADE)
    data = models.JSONField(default=dict, blank=True)
    phase = models.ForeignKey(Phase, related_name="runs", null=True, blank=True, on_delete=models.SET_NULL)


class World(FollowsRun, Stamped):
    name = models.CharField(max_length=100)
    run = models.ForeignKey(Run, related_name="worlds", on_delete=models.CASCADE)
    data = models.JSONField(default=dict, blank=True)
    # The reference uses a PostgreSQL array of int arrays; JSON holds the same value on SQLite too.
    external_ids = models.JSONField(null=True, blank=True)

    class Meta:
        unique_together = [("name", "run")]


class RunUser(FollowsRun, Stamped):
    user = models.ForeignKey(User, related_name="run_users", on_delete=models.CASCADE)
    run = models.ForeignKey(Run, related_name="run_users", on_delete=models.CASCADE)
    world = models.ForeignKey(World, related_name="run_users", null=True, blank=True, on_delete=models.CASCADE)
    role = models.ForeignKey(Role, related_name="run_users", null=True, blank=True, default=None,
                             on_delete=models.SET_NULL)
    leader = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        unique_together = [("user", "run")]


class Scenario(FollowsRun, Stamped):
    name = models.CharField(max_length=100)
    runuser = models.ForeignKey(RunUser, related_name="scenarios", null=True, blank=True,
                                on_delete=models.CASCADE)
    world = models.ForeignKey(World, related_name="scenarios", null=True, blank=True, on_delete=models.CASCADE)
    data = models.JSONField(default=dict, blank=True)

    def owner_towards_run(self) -> Any:
        # Normally exactly one is set (nothing enforces it, as in the reference); the world wins.
        return self.world or self.runuser


class Period(FollowsRun, Stamped):
    run_owner = "scenario"

    scenario = models.ForeignKey(Scenario, related_name="periods", on_delete=models.CASCADE)
    order = models.IntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        unique_together = [("scenario", "order")]


class PeriodEntry(FollowsRun, Stamped):
    """What players and the model service write on a period: Decision and Result have one shape.

    (name, period, role) is unique, and so is (name, period) among rows without a role: two partial
    indexes instead of one NULLS NOT DISTINCT constraint, because SQLite cannot do the latter.
    Together they make a duplicate null-role decision or result impossible in the database, which
    the reference allows (and which the div game's concurrent result writes then trip over).
    """

    run_owner = "period"

    name = models.CharField(max_length=100)
    data = models.JSONField(default=dict, blank=True)
    period = models.ForeignKey(Period, related_name="%(class)ss", on_delete=models.CASCADE)
    # CASCADE, not SET_NULL: nulling two roles' rows would collide on the no-role constraint.
    role = models.ForeignKey(Role, related_name="%(class)ss", null=True, blank=True, default=None,
                             on_delete=models.CASCADE)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["name", "period", "role"], condition=Q(role__isnull=False),
                                    name="%(class)s_unique_name_period_role"),
            models.UniqueConstraint(fields=["name", "period"], condition=Q(role__isnull=True),
                                    name="%(class)s_unique_name_period_no_role"),
        ]


class Decision(PeriodEntry):
    class Meta(PeriodEntry.Meta):
        pass


class Result(PeriodEntry):
    class Meta(PeriodEntry.Meta):
        pass
