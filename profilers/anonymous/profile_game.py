"""Tasks that need no user: how fast the game scope answers, and a publish round trip.

    ./manage.py profile -m profilers.anonymous -g 3 --users-file emails.txt   # or a single player
"""
from django.conf import settings

from modelservice.profiler import ProfileCase
from modelservice.utils.instruments import Counter

RATE_SECONDS = 5


class ProfileGame(ProfileCase):
    async def profile_get_phases(self):
        """Call the game's get_phases for a few seconds; publish this player's call rate."""
        uri = f"{settings.ROOT_TOPIC}.model.game.get_phases"
        counter = Counter(duration=RATE_SECONDS)
        while counter.on:
            phases = await self.call(uri)
            if not isinstance(phases, list):
                raise AssertionError(f"get_phases returned {phases!r}, expected a list")
        self.publish_stat("get_phases_rate", counter.rate, fmt="get_phases: {stats.mean:.1f} calls/s per player "
                                                               "({stats.total:.0f} calls/s in all)")

    async def profile_hello_game(self):
        """Publish to the game's hello topic (acknowledged by the router, so it is timed)."""
        await self.publish(f"{settings.ROOT_TOPIC}.model.game.hello_game")
