"""Django app configuration of the demo games API (app label `games`)."""
from django.apps import AppConfig


class GamesConfig(AppConfig):
    name = "demo.gamesapi.games"
    label = "games"
    verbose_name = "Simpl demo games API"
    default_auto_field = "django.db.models.AutoField"
