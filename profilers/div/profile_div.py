"""simpl-div: both players of each world log in and submit their operand in the world's period.

Run after seeding a fresh run, with both players of each world in the users file:
    ./manage.py profile -m profilers.div -g 1 --users-file emails.txt
"""
import unittest

from django.conf import settings

from modelservice.profiler import ProfileCase
from profilers._player import find_runuser, log_in, model_topic, run_name_and_number


@unittest.skipUnless(settings.GAME_SLUG == "simpl-div", "a simpl-div task (GAME_SLUG is another game)")
class ProfileDiv(ProfileCase):
    async def profile_submit_decision(self):
        email = self.user_email
        if email is None:
            raise ValueError("this task acts as a player: run it with --users-file or --user-email")
        _, operand = run_name_and_number(email)  # player numbers start at 1: never a zero divisor
        runuser = await find_runuser(self.games_client, email)
        if runuser.world is None:
            raise AssertionError(f"{email}: runuser {runuser.id} has no world; is this a div player?")
        world_topic = f"{model_topic()}.world.{runuser.world}"
        login = await log_in(self, world_topic, f"{model_topic()}.runuser.{runuser.id}")

        phase = login["run_and_phase"]["phase"]
        if phase is None or phase["data"]["name"] != "Play":
            raise AssertionError(f"{email}: the run is not in its Play phase ({phase and phase['data']['name']})")
        periods = login["tree"]["children"][0]["children"]
        if len(periods) != 1:
            raise AssertionError(f"{email}: world scenario has {len(periods)} periods, expected 1; reseed")
        status = await self.call(f"{model_topic()}.period.{periods[0]['pk']}.submit_decision", operand)
        if status != "ok":
            raise AssertionError(f"{email}: submit_decision returned {status!r}, expected 'ok'")
