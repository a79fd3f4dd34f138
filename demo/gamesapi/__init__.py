"""The demo games API: a re-implementation of simpl-games-api's REST surface for the local stack.

What it is for: giving the profiler and the demo model services a real HTTP games API to talk to
(`/apis/...`, Basic auth by email, bulk endpoints, the `wampcra` secret lookup for the authenticator).
Run it with gunicorn (`demo.gamesapi.wsgi:application`, settings `demo.gamesapi.settings`), or from
Python with `demo.gamesapi.server.GamesApiServer`. Differences from the reference: COMPATIBILITY.md.

Not for: production, webhooks (the demo model services read the API instead), or the profiler
library, which must never import anything from `demo/`.
"""
