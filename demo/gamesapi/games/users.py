"""Users (`/apis/users/`), the credential check (`/apis/authcheck/`) and the WAMP-CRA secret lookup
(`/apis/wampcra/`).

* Users are looked up by id in the path, by `?email=` in a list. Any authenticated user may read and
  write them; only a staff caller's `password` is taken (hashed), otherwise the key is ignored.
  On create only email, first_name, last_name (and password) are used, as in the reference.
* authcheck (anyone): `{"authid" | "email", "password"}` -> 200 `{"authid", "email"}`, else 400.
* wampcra (staff): `{"authid": <id or email>}` -> the user's PBKDF2 salt, iterations and digest, which
  is exactly the WAMP-CRA secret `autobahn.wamp.auth.derive_key(password, salt, iterations, 32)`.
  404 for an unknown or inactive user, or one without a PBKDF2-SHA256 password.

Not for: the game resources (views.py) or Basic authentication itself (auth.py).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import filters
from .wampcra import PBKDF2_ALGORITHM, wampcra_secret

User = get_user_model()


class UserSerializer(serializers.ModelSerializer):
    """What a non-staff caller may write: no password."""

    class Meta:
        model = User
        fields = ("id", "email", "first_name", "last_name", "external_id", "is_active", "is_staff",
                  "is_superuser", "subscriber_code", "data")
        read_only_fields = ("id",)
        # The reference requires these three keys on create (missing ones crash it with a 500).
        extra_kwargs = {"first_name": {"required": True, "allow_blank": True},
                        "last_name": {"required": True, "allow_blank": True}}

    def create(self, validated_data: dict):
        password = validated_data.get("password")
        return User.objects.create_user(
            validated_data["email"], password,
            first_name=validated_data["first_name"], last_name=validated_data["last_name"])

    def update(self, instance, validated_data: dict):
        password = validated_data.pop("password", None)
        instance = super().update(instance, validated_data)
        if password is not None:
            instance.set_password(password)
            instance.save(update_fields=["password"])
        return instance


class StaffUserSerializer(UserSerializer):
    password = serializers.CharField(write_only=True, required=False, trim_whitespace=False,
                                     style={"input_type": "password"})

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "password")


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.order_by("email")
    filterset_class = filters.UserFilter

    def get_serializer_class(self):
        user = self.request.user
        return StaffUserSerializer if user is not None and user.is_staff else UserSerializer


def _find_user(authid: str):
    """The user whose id (all digits) or email (otherwise) is `authid`, or None."""
    authid = authid.strip()
    if authid.isdigit():
        return User.objects.filter(pk=int(authid)).first()
    return User.objects.filter(email=authid).first()


class AuthCheckView(APIView):
    """Checks a password without logging in (the reference's `/apis/authcheck/`)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        password = body.get("password")
        authid, email = body.get("authid"), body.get("email")
        if not isinstance(password, str) or (authid in (None, "") and not email):
            raise ValidationError({"non_field_errors": [
                'send {"authid": <user id>} or {"email": <email>} together with {"password": ...}']})
        if authid not in (None, ""):
            if not str(authid).isdigit():
                raise ValidationError({"authid": ["must be a user id (an integer)"]})
            user = User.objects.filter(pk=int(authid)).first()
        else:
            user = User.objects.filter(email__iexact=str(email)).first()
        # One answer for an unknown user, an inactive one and a wrong password (the reference 500s
        # on an unknown user); telling them apart would let anyone probe for accounts.
        if user is None or not user.is_active or not user.check_password(password):
            raise ValidationError({"non_field_errors": ["unknown user or wrong password"]})
        return Response({"authid": user.pk, "email": user.email})


class WampCraView(APIView):
    """Staff only: the salted WAMP-CRA secret of a user, for the router's dynamic authenticator."""

    permission_classes = [IsAdminUser]

    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        authid = body.get("authid")
        if authid is None or str(authid).strip() == "":
            raise ValidationError({"authid": ['required: a user id or email, e.g. {"authid": "a1@calc.edu"}']})
        user = _find_user(str(authid))
        if user is None or not user.is_active:
            raise NotFound(f"no active user with id or email {str(authid)!r}")
        params = wampcra_secret(user.password)
        if params is None:
            raise NotFound(f"user {user.pk} has no {PBKDF2_ALGORITHM} password; set one first")
        return Response({"user_id": user.pk, "email": user.email, **params}, status=status.HTTP_200_OK)
