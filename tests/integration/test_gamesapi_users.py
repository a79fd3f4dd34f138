"""Users, Basic auth by email, authcheck and the wampcra secret lookup, against a real gunicorn."""
import uuid

import pytest
from autobahn.wamp.auth import derive_key

from demo.gamesapi.server import GamesApiServer
from demo.seed import GamesApiClient

pytestmark = pytest.mark.integration

ITERATIONS = 1500  # a non-default count, so the test sees that SIMPL_PASSWORD_ITERATIONS is used


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    env = {"SIMPL_PASSWORD_ITERATIONS": str(ITERATIONS)}
    # One worker: every request meets the same per-process cache of verified passwords, so the
    # tests below see that a password change or deactivation beats a cached verification.
    with GamesApiServer(tmp_path_factory.mktemp("gamesapi-users"), workers=1, env=env) as server:
        yield server



@pytest.fixture
def clients(api):
    made = []

    def client(auth):
        made.append(GamesApiClient(api.url, auth))
        return made[-1]
    yield client
    for one in made:
        one.close()


@pytest.fixture
def player(staff):
    email = f"a{uuid.uuid4().hex[:8]}@calc.edu"
    user = staff.request("POST", "users/", expect=(201,), body={
        "email": email, "first_name": "Student1", "last_name": "User", "password": "a1-secret"})
    return {**user, "password": "a1-secret"}


def test_anonymous_and_wrong_credentials_get_401_with_a_basic_challenge(clients, player):
    anonymous = clients(None).send("GET", "games/")
    assert anonymous.status == 401
    assert anonymous.headers["www-authenticate"] == 'Basic realm="api"'
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    wrong = clients((player["email"], "nope")).send("GET", "games/")
    assert wrong.status == 401 and wrong.json() == {"detail": "Invalid username/password."}


def test_any_player_may_read_and_write_game_resources(clients, player):
    client = clients((player["email"], player["password"]))
    game = client.send("POST", "games/", body={"name": f"Player made {player['id']}"})
    assert game.status == 201
    assert client.send("GET", f"users/{player['id']}/").json()["email"] == player["email"]


def test_user_create_needs_email_and_names_and_ignores_the_rest(staff):
    email = f"n{uuid.uuid4().hex[:8]}@calc.edu"
    missing = staff.send("POST", "users/", body={"email": email})
    assert missing.status == 400 and set(missing.json()) == {"first_name", "last_name"}
    user = staff.request("POST", "users/", expect=(201,), body={
        "email": email, "first_name": "", "last_name": "", "is_staff": True, "external_id": "x"})
    assert set(user) == {"id", "email", "first_name", "last_name", "external_id", "is_active", "is_staff",
                         "is_superuser", "subscriber_code", "data"}
    assert (user["is_staff"], user["external_id"]) == (False, None)  # only the four keys count on create
    duplicate = staff.send("POST", "users/", body={"email": email, "first_name": "", "last_name": ""})
    assert duplicate.status == 400 and "email" in duplicate.json()


def test_only_staff_may_set_a_password(staff, clients, player):
    me = clients((player["email"], player["password"]))
    assert me.send("PATCH", f"users/{player['id']}/", body={"password": "mine", "first_name": "X"}).status == 200
    assert clients((player["email"], "mine")).send("GET", "games/").status == 401
    assert me.send("GET", "games/").status == 200  # the non-staff password change was ignored

    assert staff.send("PATCH", f"users/{player['id']}/", body={"password": "new-one"}).status == 200
    assert clients((player["email"], "new-one")).send("GET", "games/").status == 200
    # The old password stops working at once, even though the worker had it cached as verified.
    assert clients((player["email"], player["password"])).send("GET", "games/").status == 401


def test_a_deactivated_user_is_refused_at_once(staff, clients, player):
    client = clients((player["email"], player["password"]))
    assert client.send("GET", "games/").status == 200
    staff.request("PATCH", f"users/{player['id']}/", body={"is_active": False})
    assert client.send("GET", "games/").status == 401


def test_authcheck_answers_200_only_for_the_right_password(clients, player):
    anonymous = clients(None)
    ok = anonymous.send("POST", "authcheck/", body={"email": player["email"].upper(), "password": player["password"]})
    assert ok.status == 200 and ok.json() == {"authid": player["id"], "email": player["email"]}
    by_id = anonymous.send("POST", "authcheck/", body={"authid": player["id"], "password": player["password"]})
    assert by_id.status == 200
    for body in ({"email": player["email"], "password": "wrong"},
                 {"email": "nobody@calc.edu", "password": "x"},
                 {"authid": 999999, "password": "x"},
                 {"authid": "abc", "password": "x"},
                 {"password": "x"},
                 {"email": player["email"]}):
        assert anonymous.send("POST", "authcheck/", body=body).status == 400, body


def test_wampcra_secret_is_the_key_autobahn_derives_from_the_password(staff, player):
    answer = staff.request("POST", "wampcra/", body={"authid": player["email"]})

    assert answer["user_id"] == player["id"] and answer["email"] == player["email"]
    assert answer["iterations"] == ITERATIONS and answer["keylen"] == 32
    assert derive_key(player["password"], answer["salt"], answer["iterations"], 32).decode() == answer["secret"]
    assert staff.request("POST", "wampcra/", body={"authid": str(player["id"])}) == answer


def test_wampcra_refusals(staff, clients, player):
    assert staff.send("POST", "wampcra/", body={"authid": "nobody@calc.edu"}).status == 404
    assert staff.send("POST", "wampcra/", body={"authid": "999999"}).status == 404
    assert staff.send("POST", "wampcra/", body={}).status == 400
    assert clients(None).send("POST", "wampcra/", body={"authid": player["email"]}).status == 401
    as_player = clients((player["email"], player["password"])).send("POST", "wampcra/", body={"authid": player["email"]})
    assert as_player.status == 403
    staff.request("PATCH", f"users/{player['id']}/", body={"is_active": False})
    assert staff.send("POST", "wampcra/", body={"authid": player["email"]}).status == 404


def test_wampcra_refuses_a_user_without_a_password(staff):
    user = staff.request("POST", "users/", expect=(201,), body={
        "email": f"np{uuid.uuid4().hex[:8]}@calc.edu", "first_name": "", "last_name": ""})
    response = staff.send("POST", "wampcra/", body={"authid": user["email"]})
    assert response.status == 404 and "has no pbkdf2_sha256 password" in response.json()["detail"]
