"""Option types and the checks that turn options into a RunConfig."""
import argparse

import pytest

from modelservice.profiling.errors import ConfigurationError
from modelservice.profiling.options import (RunConfig, add_arguments, choice_of, duration, email,
                                            positive_int, router_url)


@pytest.mark.parametrize("text, seconds", [("30", 30.0), ("30s", 30.0), ("1.5s", 1.5), ("500ms", 0.5),
                                           ("2m", 120.0), ("1h", 3600.0), (" 7 s ", 7.0), (".5", 0.5)])
def test_duration_accepts_numbers_with_units(text, seconds):
    assert duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["0", "0s", "-1", "abc", "10x", "", "1e3", "inf"])
def test_duration_rejects_zero_negative_and_junk(text):
    with pytest.raises(argparse.ArgumentTypeError, match="expected a duration"):
        duration(text)


def test_positive_int():
    assert positive_int("3") == 3
    for bad in ("0", "-2", "two", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError, match="whole number >= 1"):
            positive_int(bad)


def test_router_url_and_email_and_choice():
    assert router_url("ws://127.0.0.1:9/ws") == "ws://127.0.0.1:9/ws"
    with pytest.raises(argparse.ArgumentTypeError, match="WebSocket URL"):
        router_url("http://127.0.0.1:9/ws")
    assert email(" a1@calc.edu") == "a1@calc.edu"
    with pytest.raises(argparse.ArgumentTypeError, match="email address"):
        email("a1")
    assert choice_of(("ticket", "wampcra"))("WAMPCRA") == "wampcra"
    with pytest.raises(argparse.ArgumentTypeError, match="one of ticket, wampcra"):
        choice_of(("ticket", "wampcra"))("basic")


def parse(*argv):
    parser = argparse.ArgumentParser(prog="profile", exit_on_error=False)
    add_arguments(parser)
    return vars(parser.parse_args(argv))


def test_parser_rejects_a_zero_task_timeout(capsys):
    parser = argparse.ArgumentParser(prog="profile")
    add_arguments(parser)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["--task-timeout", "0"])
    assert caught.value.code == 2
    assert "argument --task-timeout: expected a duration greater than zero" in capsys.readouterr().err


def test_environment_defaults_are_validated_like_options(monkeypatch, capsys):
    monkeypatch.setenv("PROFILER_JOIN_TIMEOUT", "soon")
    parser = argparse.ArgumentParser(prog="profile")
    add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args([])
    assert "argument --join-timeout: expected a duration" in capsys.readouterr().err


def test_every_option_has_a_metavar_or_is_a_flag():
    parser = argparse.ArgumentParser(prog="profile")
    add_arguments(parser)
    for action in parser._actions:
        if action.option_strings and action.dest != "help":
            assert action.metavar, action.dest


def test_config_from_options(monkeypatch):
    monkeypatch.delenv("SIMPL_PROFILER_TICKET", raising=False)
    options = parse("-m", "profilers.calc", "-u", "ws://127.0.0.1:1/ws", "--ticket", "t0ps3cret",
                    "--users-file", "u.txt", "-g", "2", "--task-timeout", "5s")
    config = RunConfig.from_options(options)
    assert (config.module, config.url, config.groups, config.task_timeout, config.auth) == \
        ("profilers.calc", "ws://127.0.0.1:1/ws", 2, 5.0, "ticket")
    assert "t0ps3cret" not in repr(config)


def test_config_needs_a_module_and_a_ticket(monkeypatch):
    monkeypatch.delenv("SIMPL_PROFILER_TICKET", raising=False)
    monkeypatch.delenv("PROFILER_MODULE", raising=False)
    with pytest.raises(ConfigurationError, match="no task module"):
        RunConfig.from_options(parse("--ticket", "x"))
    with pytest.raises(ConfigurationError, match="no profiler ticket"):
        RunConfig.from_options(parse("-m", "profilers.calc"))
    monkeypatch.setenv("SIMPL_PROFILER_TICKET", "from-env")
    assert RunConfig.from_options(parse("-m", "profilers.calc")).ticket == "from-env"


def test_wampcra_needs_players_with_emails_and_files_exclude_single_emails(monkeypatch):
    monkeypatch.setenv("SIMPL_PROFILER_TICKET", "x")
    with pytest.raises(ConfigurationError, match="--auth wampcra"):
        RunConfig.from_options(parse("-m", "p", "--auth", "wampcra"))
    assert RunConfig.from_options(parse("-m", "p", "--auth", "wampcra", "--user-email", "a1@calc.edu")).auth == "wampcra"
    with pytest.raises(ConfigurationError, match="not both"):
        RunConfig.from_options(parse("-m", "p", "--users-file", "f", "--user-email", "a1@calc.edu"))
