"""Group roster: the original profiler's ramp (group 0 has one player, later groups grow)."""
import pytest

from modelservice.profiling.groups import build_roster, group_sizes


@pytest.mark.parametrize("players, groups, sizes", [
    (5, 3, [1, 3, 5]),
    (4, 4, [1, 2, 3, 4]),
    (1, 4, [1, 1, 1, 1]),
    (7, 1, [7]),
    (2, 2, [1, 2]),
    (10, 3, [1, 6, 10]),
])
def test_group_sizes_follow_the_original_ramp(players, groups, sizes):
    assert group_sizes(players, groups) == sizes


def test_first_player_is_in_every_group_and_the_last_group_has_everyone():
    roster = build_roster(["p0", "p1", "p2", "p3", "p4"], 3)
    assert all(members[0] == "p0" for members in roster)
    assert roster[-1] == ["p0", "p1", "p2", "p3", "p4"]
    assert roster[1] == ["p0", "p1", "p3"]  # p1 and p3 start at group 1, p2 and p4 at group 2


def test_one_group_holds_every_player_once():
    assert build_roster(["a", "b", "c"], 1) == [["a", "b", "c"]]


def test_no_players_gives_empty_groups():
    assert build_roster([], 3) == [[], [], []]


def test_zero_groups_is_refused():
    with pytest.raises(ValueError, match="groups must be >= 1"):
        build_roster(["a"], 0)
