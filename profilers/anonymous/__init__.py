"""Profile tasks that need no user: `manage.py profile -m profilers.anonymous`."""
