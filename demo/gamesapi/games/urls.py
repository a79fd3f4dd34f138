"""Routes under `/apis/`: the game resources (API root at `/apis/`), users, bulk, authcheck, wampcra.

Every URL ends with `/`, as in the reference (a GET without it is redirected with a 301).

Not for: hooks (webhooks are not part of the demo; see COMPATIBILITY.md).
"""
from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from .bulk import bulk_router
from .users import AuthCheckView, UserViewSet, WampCraView
from .views import GAME_VIEWSETS

games = DefaultRouter()
for name, viewset in GAME_VIEWSETS.items():
    games.register(name, viewset, basename=name[:-1])

# Users are on their own router (no API-root entry), as the reference mounts simpl-users.
users = SimpleRouter()
users.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("bulk/", include(bulk_router().urls)),
    path("authcheck/", AuthCheckView.as_view(), name="authcheck"),
    path("wampcra/", WampCraView.as_view(), name="wampcra"),
    path("", include(users.urls)),
    path("", include(games.urls)),
]
