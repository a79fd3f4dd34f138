"""One object of the games API (a run, a user, a period...) as the client hands it out.

A `Resource` wraps the JSON object the API returned. Fields read as attributes or items
(`run.id`, `runuser["world"]`), assignments change the payload, and `await r.save()` /
`await r.delete()` write it back through the endpoint it came from. This is the surface of
the original simpl-client's resources, which the reference task files rely on.

Not for: sending requests itself (it asks its endpoint), or validating fields (the API does).
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - only for the type checker
    from ._endpoint import Endpoint

__all__ = ["Resource", "PK_FIELDS"]

# The keys that identify an object, in the order the original client tried them.
PK_FIELDS = ("id", "uuid", "pk", "slug", "username")


class Resource:
    """A games-API object: attribute and item access to its fields, `save()` and `delete()`."""

    __slots__ = ("_endpoint", "payload")

    def __init__(self, endpoint: Endpoint, payload: dict[str, Any]) -> None:
        object.__setattr__(self, "_endpoint", endpoint)
        object.__setattr__(self, "payload", payload)

    @property
    def endpoint(self) -> Endpoint:
        """The endpoint this object belongs to."""
        return self._endpoint

    @property
    def pk(self) -> Any:
        """The object's identifier: its `id` (or `uuid`, `pk`, `slug`, `username`), else None."""
        for field in PK_FIELDS:
            if field in self.payload:
                return self.payload[field]
        return None

    def __getattr__(self, name: str) -> Any:
        # Only reached for names that are not real attributes: the payload's fields. Dunder
        # and slot names are never fields (copy and pickle probe them before `payload` is set).
        if name.startswith("__") or name in Resource.__slots__:
            raise AttributeError(name)
        try:
            return self.payload[name]
        except KeyError:
            fields = ", ".join(sorted(self.payload)) or "none"
            raise AttributeError(
                f"{self._endpoint.name} object has no field {name!r} (fields: {fields})") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name in Resource.__slots__:
            object.__setattr__(self, name, value)
        elif name in ("pk", "endpoint"):
            raise AttributeError(f"{name!r} is not a field; set resource[{name!r}] instead")
        else:
            self.payload[name] = value

    def __getitem__(self, name: str) -> Any:
        return self.payload[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.payload[name] = value

    def __contains__(self, name: object) -> bool:
        return name in self.payload

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return self._endpoint.name == other._endpoint.name and self.payload == other.payload

    __hash__ = None  # mutable, like the dict it wraps

    # Copies share the endpoint (and so the client and its pool); only the payload is copied.
    def __copy__(self) -> Resource:
        return type(self)(self._endpoint, dict(self.payload))

    def __deepcopy__(self, memo: dict[int, Any]) -> Resource:
        return type(self)(self._endpoint, copy.deepcopy(self.payload, memo))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._endpoint.name} pk={self.pk!r}>"

    async def save(self) -> Resource:
        """PUT the whole payload to the object's URL (PATCH if the API answers 400); refresh it."""
        saved = await self._endpoint.create_or_update(self.payload)
        self.payload.update(saved.payload)
        return self

    async def delete(self) -> None:
        """DELETE the object; ResourceNotFound if it is already gone."""
        await self._endpoint.delete(self._endpoint.detail_value(self.payload))
