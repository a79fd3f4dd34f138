"""Profile tasks for simpl-calc (single-player game): `manage.py profile -m profilers.calc -g 1 --users-file FILE`."""
