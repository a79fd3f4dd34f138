"""The blocking games-API client against the real demo games API: a setup script's calls."""
from __future__ import annotations

import secrets

import pytest

from demo.gamesapi.server import GamesApiServer
from modelservice.simpl.sync import MultipleResourcesFound, ResourceNotFound, games_client_factory

pytestmark = pytest.mark.integration



def test_create_default_env_shape_is_idempotent(api: GamesApiServer) -> None:
    slug = f"simpl-calc-{secrets.token_hex(3)}"

    def create_default_env() -> dict[str, int]:
        """What simpl-calc's create_default_env does, with get_or_create throughout."""
        with games_client_factory(api.url, api.staff_auth) as s:
            game = s.games.get_or_create(slug=slug, defaults={"name": slug})
            phase = s.phases.get_or_create(game=game.id, name="Play", order=1)
            run = s.runs.get_or_create(game=game.id, name="a")
            run.phase = phase.id
            run.save()
            ids = {"game": game.id, "run": run.id}
            for n in (1, 2):
                user = s.users.get_or_create(
                    email=f"a{n}-{slug}@calc.edu", password=f"a{n}",
                    first_name=f"Student{n}", last_name="User")
                runuser = s.runusers.get_or_create(user=user.id, run=run.id,
                                                   defaults={"role": None})
                scenario = s.scenarios.get_or_create(runuser=runuser.id, name="Scenario 1")
                s.periods.get_or_create(scenario=scenario.id, order=1)
                ids[f"runuser{n}"] = runuser.id
            return ids

    first = create_default_env()
    assert create_default_env() == first  # the second pass finds everything
    with games_client_factory(api.url, api.staff_auth) as s:
        run = s.runs.get(id=first["run"])
        assert run.phase == s.phases.get(game=first["game"]).id
        assert len(s.periods.filter(run=run.id)) == 2
        s.phases.create({"game": first["game"], "name": "Debrief", "order": 2})
        with pytest.raises(MultipleResourcesFound):
            s.phases.get(game=first["game"])
        run.delete()
        with pytest.raises(ResourceNotFound):
            s.runs.get(id=first["run"])
        with pytest.raises(ResourceNotFound):  # deleting the run cascaded to its runusers
            s.runusers.get(id=first["runuser1"])
