"""Profile tasks for simpl-div (two players a world): `manage.py profile -m profilers.div -g 1 --users-file FILE`."""
