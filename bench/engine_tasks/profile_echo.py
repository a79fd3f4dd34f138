"""Two tasks run by every benchmark player, in this order (unittest sorts by method name):

1. `profile_1_first_call`: one `bench.echo` call, so a player's memory is measured after its
   first recorded call;
2. `profile_2_calls`: `CALLS_EACH` sequential calls, the phase whose client CPU is measured.

`bench.engine_players` sets `CALLS_EACH` before the run. Not for: anything but the benchmark.
"""
from bench.echo_service import ECHO_PROCEDURE as ECHO
from modelservice.profiler import ProfileCase

CALLS_EACH = 0


class BenchEcho(ProfileCase):
    async def profile_1_first_call(self):
        await self.call(ECHO, 0)

    async def profile_2_calls(self):
        for i in range(CALLS_EACH):
            await self.call(ECHO, i)
