"""The per-resource methods of the games-API client: `s.runs.get(...)`, `s.bulk.runs.create(...)`.

An `Endpoint` turns the original simpl-client's calls into requests with the same meaning:

* `get(**kw)` looks up by path when `kw` has `id`, `uuid`, `pk`, `slug` or `username` (checked
  in that order; the other keys are then not sent), else filters the list and requires
  exactly one match;
* query values are sent as `str(value)`, as the original did (`True` -> ``"True"``, which the
  API's boolean filters accept; `None` -> ``"None"``), except that a Resource stands for its pk;
* lists follow ``Link: <...>; rel="next"`` until the last page;
* `get_or_create` posts the lookup keys merged with `defaults` (ignored filter keys included,
  as the original did); `create_or_update` and `Resource.save()` PUT when the payload has an
  `id` and retry as PATCH on 400.

The original retried connection errors six times; this client does not retry, because a
profiler must report them.

Not for: choosing the session or timing (`_client`, `_transport`), or HTTP error mapping
(`_exceptions`).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._exceptions import BadRequestError, HTTPError, MultipleResourcesFound, ResourceNotFound
from ._resource import PK_FIELDS, Resource
from ._transport import Reply

if TYPE_CHECKING:  # pragma: no cover
    from ._client import GamesClient

__all__ = ["BulkEndpoint", "Endpoint", "GamesEndpoint", "ScenariosEndpoint", "query_params"]


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, Resource) else value


def query_params(lookup: Mapping[str, Any]) -> dict[str, str]:
    """The query string of `lookup`, stringified as the original client did."""
    return {key: str(_plain(value)) for key, value in lookup.items()}


def _json_default(value: Any) -> Any:
    if isinstance(value, Resource):
        return value.pk
    raise TypeError(f"cannot send a {type(value).__name__} to the games API "
                    f"({value!r}); use JSON types, or a resource for its id")


def encode(payload: Any) -> bytes:
    """JSON bytes of `payload`; resources inside it become their pk."""
    return json.dumps(payload, default=_json_default).encode()


class Endpoint:
    """`/apis/<name>/`: list, lookup, create, update and delete objects of one resource."""

    detail_key = "id"  # the payload key whose value goes into the detail URL

    def __init__(self, client: GamesClient, name: str, *, prefix: str = "") -> None:
        self._client = client
        self.name = name
        self.path = f"{prefix}{name}/"
        self._detail_template = f"{self.path}{{id}}/"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    # -- plumbing ------------------------------------------------------------------------

    def _detail(self, value: Any) -> str:
        return f"{self.path}{quote(str(_plain(value)), safe='')}/"

    def detail_value(self, payload: Mapping[str, Any]) -> Any:
        """The value that goes into this object's URL (its id; a game's slug)."""
        try:
            return payload[self.detail_key]
        except KeyError:
            raise ValueError(f"this {self.name} object has no {self.detail_key!r}; "
                             "create() it first") from None

    async def _send(self, method: str, path: str, template: str, *, params: Any = None,
                    payload: Any = None, expected: tuple[int, ...] = (200,),
                    url: str | None = None) -> Reply:
        body = None if payload is None else encode(payload)
        return await self._client._send(method, path, template, params=params, body=body,
                                        expected=expected, url=url)

    def _wrap(self, data: Any, what: str, method: str = "GET") -> Resource:
        if not isinstance(data, dict):
            raise HTTPError(method, self.path, 200, f"expected a JSON object for {what}, "
                            f"got {type(data).__name__}")
        return Resource(self, data)

    # -- reading -------------------------------------------------------------------------

    async def all(self) -> list[Resource]:
        """Every object, all pages."""
        return await self.filter()

    async def filter(self, **lookup: Any) -> list[Resource]:
        """The objects matching `lookup` (list filters), all pages."""
        reply = await self._send("GET", self.path, self.path, params=query_params(lookup))
        rows = _rows(reply, self.path)
        visited: set[str] = set()
        while reply.next_url:
            if reply.next_url in visited:  # a server bug must not become an endless loop
                raise HTTPError("GET", reply.next_url, reply.status, "pagination loops back")
            visited.add(reply.next_url)
            reply = await self._send("GET", self.path, self.path, url=reply.next_url)
            rows.extend(_rows(reply, self.path))
        return [self._wrap(row, self.name) for row in rows]

    async def _lookup(self, lookup: Mapping[str, Any], *, quiet: bool) -> Resource | None:
        # `quiet`: a 404 is an expected answer (get_or_create), not an error to report.
        for key in PK_FIELDS:
            if key in lookup:
                expected = (200, 404) if quiet else (200,)
                reply = await self._send("GET", self._detail(lookup[key]),
                                         self._detail_template, expected=expected)
                return None if reply.status == 404 else self._wrap(reply.data, self.name)
        found = await self.filter(**lookup)
        if len(found) > 1:
            raise MultipleResourcesFound(
                f"{len(found)} {self.name} match {dict(lookup)!r}; expected exactly one")
        return found[0] if found else None

    async def get(self, **lookup: Any) -> Resource:
        """The one object matching `lookup`; ResourceNotFound or MultipleResourcesFound."""
        found = await self._lookup(lookup, quiet=False)
        if found is None:
            raise ResourceNotFound(f"no {self.name} match {dict(lookup)!r}")
        return found

    # -- writing -------------------------------------------------------------------------

    async def create(self, payload: Mapping[str, Any]) -> Resource:
        """POST a new object; the API must answer 201."""
        reply = await self._send("POST", self.path, self.path, payload=dict(payload),
                                 expected=(201,))
        return self._wrap(reply.data, f"the created {self.name}", "POST")

    async def get_or_create(self, defaults: Mapping[str, Any] | None = None,
                            **lookup: Any) -> Resource:
        """The object matching `lookup`, or a new one made of `lookup` and `defaults`."""
        found = await self._lookup(lookup, quiet=True)
        if found is not None:
            return found
        return await self.create({**lookup, **(defaults or {})})

    async def create_or_update(self, payload: Mapping[str, Any]) -> Resource:
        """PUT when `payload` has an id (PATCH if the PUT gets 400), else POST."""
        if "id" not in payload:
            return await self.create(payload)
        path = self._detail(self.detail_value(payload))
        try:
            reply = await self._send("PUT", path, self._detail_template, payload=dict(payload))
        except BadRequestError:
            reply = await self._send("PATCH", path, self._detail_template, payload=dict(payload))
        return self._wrap(reply.data, f"the saved {self.name}", "PUT")

    async def delete(self, pk: Any) -> None:
        """DELETE the object `pk` (a game's slug); ResourceNotFound if it is not there."""
        await self._send("DELETE", self._detail(pk), self._detail_template, expected=(204,))

    async def detail_route(self, pk: Any, route: str, *, method: str = "POST",
                           payload: Any = None, params: Mapping[str, Any] | None = None,
                           expected: tuple[int, ...] = (200, 201, 204)) -> Any:
        """Call `/<name>/<pk>/<route>/`; returns the decoded JSON body, or None if empty."""
        route = route.strip("/")
        reply = await self._send(method.upper(), f"{self._detail(pk)}{route}/",
                                 f"{self._detail_template}{route}/",
                                 params=None if params is None else query_params(params),
                                 payload=payload, expected=expected)
        return reply.data


class GamesEndpoint(Endpoint):
    """`/apis/games/`: games are addressed by slug, not by id."""

    detail_key = "slug"


class ScenariosEndpoint(Endpoint):
    """`/apis/scenarios/`, with the `rewind` detail route."""

    async def rewind(self, pk: Any, **body: Any) -> None:
        """Delete the scenario's periods after `last_period_order` (A.8); the API answers 204."""
        await self.detail_route(pk, "rewind", payload=body, expected=(204, 200))


class BulkEndpoint:
    """`/apis/bulk/<name>/`: create many objects in one POST, delete all that match filters."""

    def __init__(self, client: GamesClient, endpoint: Endpoint) -> None:
        self._plain = endpoint  # created objects belong to the ordinary endpoint
        self._bulk = Endpoint(client, endpoint.name, prefix="bulk/")
        self.name = endpoint.name

    def __repr__(self) -> str:
        return f"<BulkEndpoint {self._bulk.path}>"

    async def create(self, items: Iterable[Mapping[str, Any]],
                     return_ids: bool = False) -> list[Resource] | list[Any]:
        """POST all `items` at once (201); the created objects, or only their ids."""
        rows = [dict(item) for item in items]
        reply = await self._bulk._send("POST", self._bulk.path, self._bulk.path,
                                       payload=rows, expected=(201,))
        created = [self._plain._wrap(row, self.name, "POST")
                   for row in _rows(reply, self._bulk.path)]
        return [resource.pk for resource in created] if return_ids else created

    async def delete(self, **lookup: Any) -> None:
        """DELETE every object matching `lookup` (204). Refuses an empty lookup."""
        if not lookup:
            # The API itself refuses an empty query; say so before sending anything.
            raise ValueError(f"bulk delete of {self.name} needs at least one filter, "
                             f"e.g. bulk.{self.name}.delete(run=<id>)")
        await self._bulk._send("DELETE", self._bulk.path, self._bulk.path,
                               params=query_params(lookup), expected=(204,))

    async def filter(self, **lookup: Any) -> list[Resource]:
        """The objects matching `lookup`, as `/apis/bulk/<name>/` lists them."""
        return [Resource(self._plain, found.payload) for found in await self._bulk.filter(**lookup)]


def _rows(reply: Reply, path: str) -> list[Any]:
    if not isinstance(reply.data, list):
        raise HTTPError("GET", path, reply.status,
                        f"expected a JSON array, got {type(reply.data).__name__}")
    return list(reply.data)
