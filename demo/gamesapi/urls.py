"""Root URL configuration: everything lives under `/apis/` (see `games/urls.py`).

Not for: the reference's admin, allauth, rest-auth, hooks and OpenAPI pages (see COMPATIBILITY.md).
"""
from django.urls import include, path

urlpatterns = [
    path("apis/", include("demo.gamesapi.games.urls")),
]
