"""simpl-calc: a player logs in like a browser and submits one decision, which must be accepted.

Run after seeding a fresh run (each player's scenario must still have one period):
    ./manage.py profile -m profilers.calc -g 1 --users-file emails.txt
"""
import unittest

from django.conf import settings

from modelservice.profiler import ProfileCase
from profilers._player import find_runuser, log_in, model_topic, run_name_and_number


@unittest.skipUnless(settings.GAME_SLUG == "simpl-calc", "a simpl-calc task (GAME_SLUG is another game)")
class ProfileCalc(ProfileCase):
    async def profile_submit_decision(self):
        email = self.user_email
        if email is None:
            raise ValueError("this task acts as a player: run it with --users-file or --user-email")
        _, decision = run_name_and_number(email)
        runuser = await find_runuser(self.games_client, email)
        runuser_topic = f"{model_topic()}.runuser.{runuser.id}"
        tree = (await log_in(self, runuser_topic, runuser_topic))["tree"]

        periods = tree["children"][0]["children"]
        if len(periods) != 1:
            raise AssertionError(f"{email}: scenario has {len(periods)} periods, expected 1; "
                                 "reseed the run before profiling again")
        status = await self.call(f"{model_topic()}.period.{periods[-1]['pk']}.submit_decision", decision)
        if status != "ok":
            raise AssertionError(f"{email}: submit_decision returned {status!r}, expected 'ok'")
