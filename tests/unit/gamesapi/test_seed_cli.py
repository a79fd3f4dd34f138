"""Option checking of `python -m demo.seed` (no server: these fail before any request)."""
import argparse

import pytest

from demo.seed.__main__ import build_parser, main, positive_int


def test_positive_int_rejects_what_is_not_a_player_count():
    assert positive_int("300") == 300
    for bad, message in (("x", "not a whole number"), ("0", "not between"), ("100001", "not between")):
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            positive_int(bad)


def test_defaults(monkeypatch):
    monkeypatch.delenv("SIMPL_GAMES_URL", raising=False)
    options = build_parser().parse_args(["div"])
    assert (options.game, options.name, options.players, options.reset) == ("div", "a", None, False)
    assert options.url == "http://127.0.0.1:8100/apis"


def test_missing_credentials_are_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.delenv("SIMPL_GAMES_AUTH", raising=False)
    assert main(["calc", "-n", "a"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SIMPL_GAMES_AUTH is not set" in err


def test_bad_run_name_is_reported_before_any_request(monkeypatch, capsys):
    monkeypatch.setenv("SIMPL_GAMES_AUTH", "simpl@simpl.world:x")
    # Port 9 (discard) on loopback: nothing is sent because the name is refused first.
    assert main(["calc", "-n", "a1", "--url", "http://127.0.0.1:9/apis"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("seed: error: run name 'a1'") and err.count("\n") == 1


def test_odd_div_player_count_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("SIMPL_GAMES_AUTH", "simpl@simpl.world:x")
    assert main(["div", "--players", "3", "--url", "http://127.0.0.1:9/apis"]) == 1
    assert "multiple of 2" in capsys.readouterr().err


def test_bad_option_values_exit_2_through_argparse(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["chess"])
    assert exited.value.code == 2
    assert "invalid choice: 'chess'" in capsys.readouterr().err
