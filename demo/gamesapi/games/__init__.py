"""The games app: models, REST views, filters and the `ensure_staff` command of the demo games API."""
