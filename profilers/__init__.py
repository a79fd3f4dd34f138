"""Example profile tasks, one package per kind of game; run one with `manage.py profile -m profilers.<kind>`.

* `profilers.calc`: one player logs in like a browser and submits a decision (simpl-calc).
* `profilers.div`: two players a world each submit their operand (simpl-div).
* `profilers.anonymous`: no user needed: a get_phases call rate and a publish.

URIs come from the game's settings (ROOT_TOPIC, GAME_SLUG), never hard-coded, so the same
tasks profile any deployment of the game. The calc and div tasks skip themselves (a unittest
skip decorator) when GAME_SLUG names the other game, so `-m profilers` runs what fits the game.
"""
