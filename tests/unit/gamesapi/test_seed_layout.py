"""The shape of a seeded run (emails, roles, worlds) and the checks on its options."""
import pytest

from demo.seed import GAMES, SeedError, parse_auth
from demo.seed._layout import CALC, DIV, check_players, check_run_name, layout_for


def test_calc_players_are_numbered_from_one_with_the_local_part_as_password():
    players = CALC.players("a", 3)

    assert [p.email for p in players] == ["a1@calc.edu", "a2@calc.edu", "a3@calc.edu"]
    assert players[1].payload() == {"email": "a2@calc.edu", "password": "a2",
                                    "first_name": "Student2", "last_name": "User"}
    assert CALC.role_of(1) is None and CALC.world_index(1) is None and CALC.world_count(3) == 0


def test_div_pairs_players_into_worlds_dividend_first():
    assert [DIV.role_of(n) for n in (1, 2, 3, 4)] == ["Dividend", "Divisor", "Dividend", "Divisor"]
    assert [DIV.world_index(n) for n in (1, 2, 3, 4)] == [0, 0, 1, 1]
    assert DIV.world_count(4) == 2
    assert DIV.players("b", 1)[0].last_name == "B"  # as the reference: the run name capitalised


def test_games_and_defaults_match_the_reference():
    assert (CALC.slug, CALC.name, CALC.default_players, CALC.phases) == ("simpl-calc", "Simpl Calc", 2, (("Play", 1),))
    assert (DIV.slug, DIV.default_players, DIV.roles) == ("simpl-div", 4, ("Dividend", "Divisor"))
    assert DIV.phases == (("Play", 1), ("Debrief", 2))
    assert (CALC.leader.email, DIV.leader.email) == ("leader@calc.edu", "leader@div.edu")
    assert set(GAMES) == {"calc", "div"}


@pytest.mark.parametrize("name", ["a", "run", "Load_test-b", "x" * 100])
def test_good_run_names_pass(name):
    assert check_run_name(name) == name


@pytest.mark.parametrize("name", ["", "1a", "a1", "a b", "a@b", "é", "x" * 101, None])
def test_bad_run_names_are_refused_with_the_rule(name):
    with pytest.raises(SeedError, match="must start with a letter"):
        check_run_name(name)


def test_players_default_per_game_and_bad_counts_are_refused():
    assert check_players(CALC, None) == 2
    assert check_players(DIV, None) == 4
    assert check_players(CALC, 301) == 301
    for bad in (0, -1, 100_001, True, 2.0):
        with pytest.raises(SeedError, match="whole number from 1"):
            check_players(CALC, bad)
    with pytest.raises(SeedError, match="multiple of 2"):
        check_players(DIV, 3)


def test_unknown_game_is_named():
    with pytest.raises(SeedError, match="unknown game 'chess'; choose one of: calc, div"):
        layout_for("chess")


def test_credentials_from_a_pair_or_an_env_string():
    assert parse_auth("simpl@simpl.world:pa:ss") == ("simpl@simpl.world", "pa:ss")
    assert parse_auth(("simpl@simpl.world", "x")) == ("simpl@simpl.world", "x")
    for bad in ("no-colon", ":password", "email:", ("only-one",), None):
        with pytest.raises(SeedError, match="email"):
            parse_auth(bad)
