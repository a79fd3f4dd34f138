"""URI scheme: roots, registration patterns, and parsing concrete URIs back to scopes."""
import pytest

from demo.model_service.errors import NoSuchScope
from demo.model_service.uris import ScopeRef, parse_scope_uri, procedure_pattern, root_topic

ROOT = "world.simpl.sims.simpl-calc"


def test_root_topic_is_the_reference_prefix_plus_slug():
    assert root_topic("simpl-calc") == ROOT
    with pytest.raises(ValueError):
        root_topic("bad.slug")


def test_scope_procedures_are_wildcard_patterns_with_an_empty_pk_component():
    assert procedure_pattern(ROOT, "runuser", "get_scope_tree") == (
        f"{ROOT}.model.runuser..get_scope_tree", "wildcard")


def test_game_procedures_are_exact():
    assert procedure_pattern(ROOT, "game", "get_phases") == (f"{ROOT}.model.game.get_phases", "exact")


def test_unknown_resource_cannot_be_registered():
    with pytest.raises(ValueError):
        procedure_pattern(ROOT, "user", "get_scope")


def test_parse_scope_procedure():
    assert parse_scope_uri(ROOT, f"{ROOT}.model.period.17.submit_decision") == (
        ScopeRef("period", 17), "submit_decision")


def test_parse_game_procedure():
    assert parse_scope_uri(ROOT, f"{ROOT}.model.game.get_roles") == (ScopeRef("game"), "get_roles")


@pytest.mark.parametrize("uri", [
    f"{ROOT}.model.runuser.abc.get_scope",     # pk not a number
    f"{ROOT}.model.runuser.-3.get_scope",      # sign
    f"{ROOT}.model.runuser.0.get_scope",       # no row has pk 0
    f"{ROOT}.model.runuser.٣.get_scope",       # non-ASCII digit
    f"{ROOT}.model.user.3.get_scope",          # not a scope resource
    f"{ROOT}.model.runuser.3",                 # no procedure name
    "world.simpl.sims.simpl-div.model.runuser.3.get_scope",  # another game
])
def test_uris_outside_the_scheme_are_missing_scopes(uri):
    with pytest.raises(NoSuchScope):
        parse_scope_uri(ROOT, uri)


def test_scope_ref_builds_uri_and_topics():
    assert ScopeRef("world", 4).topic(ROOT, "add_child") == f"{ROOT}.model.world.4.add_child"
    assert ScopeRef("game").uri(ROOT) == f"{ROOT}.model.game"
