"""Bulk endpoints `/apis/bulk/<resource>/`: create many rows in one request, delete by filter.

* `POST` with a JSON array creates every item in one transaction and answers 201 with the created
  objects in the same order (a single object behaves like a normal create). If any item is invalid
  nothing is created: 400 with one error object per item.
* `DELETE ?<filters>` deletes every matching row: 204. It needs at least one RECOGNISED filter with a
  value, else 400. (The reference only counts query parameters, so `?foo=1` deletes everything.)
* `GET` lists as the normal endpoint does. No detail routes, no bulk PUT/PATCH (405).
* `users` (extension, staff only): `POST` an array of {email, first_name, last_name, password}.

Not for: the single-object endpoints (views.py, users.py), which these viewsets extend.
"""
from __future__ import annotations

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter, Route

from . import views
from .filters import recognised_filters
from .users import UserViewSet


class BulkCreateMixin:
    def create(self, request: Request, *args, **kwargs) -> Response:
        if not isinstance(request.data, list):
            return super().create(request, *args, **kwargs)
        serializer = self.get_serializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class BulkDestroyMixin:
    def bulk_destroy(self, request: Request, *args, **kwargs) -> Response:
        filterset_class = self.filterset_class
        if not recognised_filters(filterset_class, request.query_params):
            names = ", ".join(sorted(filterset_class.base_filters))
            return Response(
                {"detail": "bulk delete needs at least one recognised filter with a value "
                           f"(one of: {names}); refusing to delete every row"},
                status=status.HTTP_400_BAD_REQUEST)
        queryset = self.filter_queryset(self.get_queryset())  # 400 on a bad filter value
        with transaction.atomic():
            queryset.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulkUserViewSet(BulkCreateMixin, mixins.ListModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Staff-only bulk creation of users with passwords (the reference has no bulk user endpoint)."""

    queryset = UserViewSet.queryset
    filterset_class = UserViewSet.filterset_class
    permission_classes = [IsAdminUser]
    get_serializer_class = UserViewSet.get_serializer_class


class BulkRouter(DefaultRouter):
    """Only the list route, with DELETE mapped to `bulk_destroy` where the viewset has one."""

    routes = [
        Route(url=r"^{prefix}{trailing_slash}$",
              mapping={"get": "list", "post": "create", "delete": "bulk_destroy"},
              name="{basename}-list", detail=False, initkwargs={"suffix": "List"}),
    ]


def _bulk_viewset(viewset: type[viewsets.ModelViewSet]) -> type:
    return type(f"Bulk{viewset.__name__}", (BulkCreateMixin, BulkDestroyMixin, viewset), {})


def bulk_router() -> BulkRouter:
    router = BulkRouter()
    for name, viewset in views.GAME_VIEWSETS.items():
        if name != "games":  # as in the reference: no bulk games
            router.register(name, _bulk_viewset(viewset), basename=f"bulk-{name}")
    router.register("users", BulkUserViewSet, basename="bulk-users")
    return router
