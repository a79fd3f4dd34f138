"""Error mapping to WAMP URIs (§B.8), and the package's public names."""
from autobahn.wamp.exception import ApplicationError

import demo.model_service as package
from demo.model_service.errors import CallerError, NoSuchScope, to_application_error


def test_missing_scope_looks_like_a_missing_registration():
    error = to_application_error(NoSuchScope("no runuser 9"))
    assert error.error == "wamp.error.no_such_procedure"


def test_other_errors_are_runtime_errors_with_their_message():
    for exc in (CallerError("no user"), KeyError("x"), ValueError("There isn't any phase")):
        error = to_application_error(exc)
        assert error.error == "wamp.error.runtime_error"
        assert error.args == (str(exc),)


def test_application_errors_pass_through():
    original = ApplicationError("application.error.change_phase", "nope")
    assert to_application_error(original) is original


def test_public_names():
    assert package.__all__ == [
        "ApiBadRequest", "ApiNotAuthenticated", "ApiNotFound", "CallerError",
        "ConfigurationError", "GameRules", "GamesApi", "GamesApiError", "GamesApiUnavailable",
        "ModelService", "ModelServiceError", "NoSuchScope", "RouterUnavailable",
        "ServiceConfig", "known_games", "rules_for",
    ]
    assert sorted(package.known_games()) == ["simpl-calc", "simpl-div"]
