"""The smallest Django settings that run `manage.py profile` against a game (local or deployed).

Only what task files and the profiler read: the game's slug and WAMP root topic, and where the
games API and router are. GAME_SLUG comes from the environment (default `simpl-calc`) and
ROOT_TOPIC is derived from it unless set. Everything else (SIMPL_GAMES_AUTH, SIMPL_REALM,
SIMPL_PROFILER_TICKET, ...) is left unset here so that modelservice.conf reads it from the
environment when it is needed, and a malformed value is reported then as one line rather than
as a traceback while Django loads its settings. No database, no apps besides the profiler.

Not for: the demo games API's own settings (demo.gamesapi.settings).
"""
from modelservice import conf

GAME_SLUG = conf.game_slug() or "simpl-calc"
ROOT_TOPIC = conf.root_topic() or f"world.simpl.sims.{GAME_SLUG}"

SIMPL_GAMES_URL = conf.games_url()
MODEL_SERVICE_WS = conf.router_url()

INSTALLED_APPS = ["modelservice"]
DATABASES: dict = {}
USE_TZ = True
