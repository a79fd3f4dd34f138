"""`ensure_staff`: create or update the games API's staff superuser from the environment.

SIMPL_STAFF_EMAIL (default simpl@simpl.world) and SIMPL_STAFF_PASSWORD (required; never on the
command line, where other users could read it in the process list). Idempotent: an existing user
gets the password and becomes an active staff superuser.

Not for: player accounts (the seeder creates those through the API).
"""
from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

DEFAULT_STAFF_EMAIL = "simpl@simpl.world"


class Command(BaseCommand):
    help = "Create or update the staff superuser from SIMPL_STAFF_EMAIL and SIMPL_STAFF_PASSWORD."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", metavar="EMAIL",
                            help=f"staff email (default: env SIMPL_STAFF_EMAIL or {DEFAULT_STAFF_EMAIL})")

    def handle(self, *args, **options) -> None:
        email = options["email"] or os.environ.get("SIMPL_STAFF_EMAIL") or DEFAULT_STAFF_EMAIL
        password = os.environ.get("SIMPL_STAFF_PASSWORD", "")
        if not password:
            raise CommandError("SIMPL_STAFF_PASSWORD is not set; export the staff password and run again",
                               returncode=2)
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"staff email {email!r} is not an email address; fix SIMPL_STAFF_EMAIL",
                               returncode=2) from None
        user_model = get_user_model()
        user = user_model.objects.filter(email=email).first()
        created = user is None
        if created:
            user = user_model(email=email, first_name="Simpl", last_name="Staff")
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        verb = "created" if created else "updated"
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"staff user {email} (id {user.pk}) {verb}"))
