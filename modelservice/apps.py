"""Django app configuration: lets `./manage.py profile` find the profile command."""
from django.apps import AppConfig


class ModelServiceProfilerConfig(AppConfig):
    name = "modelservice"
    verbose_name = "Simpl load profiler"
