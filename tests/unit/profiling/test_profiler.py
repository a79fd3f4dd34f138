"""ProfileCase outside a run, and the bridge that lets sync tasks call into the event loop."""
import asyncio
import threading

import pytest

from modelservice.profiler import ProfileCase
from modelservice.profiling.context import TaskContext
from modelservice.profiling.errors import TaskTimeout
from modelservice.profiling.metrics import GroupMetrics


class Case(ProfileCase):
    async def profile_x(self):
        pass


def test_using_a_case_outside_a_run_says_how_to_run_it():
    case = Case("profile_x")
    with pytest.raises(RuntimeError, match="not running under the profiler"):
        case.user_email


def test_a_unittest_runner_is_refused():
    with pytest.raises(TypeError, match="run it with manage.py profile"):
        Case("profile_x").run()


def context(loop, *, deadline_in=5.0):
    return TaskContext(player=None, metrics=GroupMetrics("t", 0), group=0, workers_count=1,
                       loop=loop, deadline=loop.time() + deadline_in)


async def answer():
    await asyncio.sleep(0)
    return 42


def test_submit_returns_the_coroutine_on_the_loop_thread_and_the_result_elsewhere():
    async def scenario():
        loop = asyncio.get_running_loop()
        ctx = context(loop)
        on_loop = await ctx.submit(answer())
        from_thread = await loop.run_in_executor(None, lambda: ctx.submit(answer()))
        return on_loop, from_thread
    assert asyncio.run(scenario()) == (42, 42)


def test_submit_from_a_thread_is_bounded_by_the_deadline():
    async def never():
        await asyncio.Event().wait()

    async def scenario():
        loop = asyncio.get_running_loop()
        ctx = context(loop, deadline_in=0.2)
        with pytest.raises(TaskTimeout):
            await loop.run_in_executor(None, lambda: ctx.submit(never()))
        with pytest.raises(TaskTimeout, match="time is up"):  # after the deadline nothing is sent
            await loop.run_in_executor(None, lambda: ctx.submit(never()))
    asyncio.run(scenario())


def test_publish_stat_from_a_thread_lands_on_the_loop_and_bad_values_fail_in_the_thread():
    async def scenario():
        loop = asyncio.get_running_loop()
        ctx = context(loop)
        done = asyncio.Event()

        def in_thread():
            ctx.record_stat("s", 2.5, None, None)
            with pytest.raises(TypeError):
                ctx.record_stat("s", "junk", None, None)
            loop.call_soon_threadsafe(done.set)
        threading.Thread(target=in_thread).start()
        await asyncio.wait_for(done.wait(), 5)
        return ctx.metrics.stats["s"].values
    assert asyncio.run(scenario()) == [2.5]
