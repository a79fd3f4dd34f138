"""Per-key locks serialise holders of one key, let other keys run, and are then forgotten."""
import asyncio

from demo.model_service.context import KeyedLocks, Presence


def test_same_key_is_serialised_other_keys_are_not():
    locks = KeyedLocks()
    order = []

    async def hold(key, name, inside: asyncio.Event | None, release: asyncio.Event | None):
        async with locks.hold(key):
            order.append(f"{name} in")
            if inside:
                inside.set()
            if release:
                await release.wait()
            order.append(f"{name} out")

    async def main():
        inside, release = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(hold(1, "a", inside, release))
        await inside.wait()
        second = asyncio.create_task(hold(1, "b", None, None))
        await hold(2, "c", None, None)  # another key does not wait for "a"
        assert order == ["a in", "c in", "c out"]
        release.set()
        await asyncio.gather(first, second)
        assert order[3:] == ["a out", "b in", "b out"]
        assert len(locks) == 0  # nobody holds them: forgotten

    asyncio.run(main())


def test_presence():
    presence = Presence()
    presence.connect(4)
    assert 4 in presence
    presence.disconnect(4)
    presence.disconnect(4)
    assert 4 not in presence
