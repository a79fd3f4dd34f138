"""Builds the Crossbar router configuration of the local Simpl stack.

What it is for: turning (host, port, realm) into the version-2 `config.json` that
`crossbar start --cbdir DIR` reads, and writing it privately into the run folder.

It improves on the original simpl-modelservice template (see docs/stack-contracts.md):
  * no anonymous role: every session authenticates (ticket or WAMP-CRA);
  * each role gets only what it needs (the profiler may register only its coordination
    procedures under `simpl.profiler.`; browsers stay under `world.simpl.sims.`);
  * the ticket secrets are not in the file at all: the principals reference the
    environment variables `${SIMPL_SERVICE_TICKET}` / `${SIMPL_PROFILER_TICKET}`, which
    Crossbar resolves when it checks the config (the file is still written mode 600);
  * the dynamic authenticator's realm is explicit (`authenticator-realm`);
  * the listening socket is bound to the loopback interface only.

Not for: starting or stopping Crossbar (see `demo.router.server`), nor the WAMP-CRA
authenticator itself (that is `demo.model_service.authenticator`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SERVICE_AUTHID = "modelservice"
PROFILER_AUTHID = "profiler"
SERVICE_TICKET_ENV = "SIMPL_SERVICE_TICKET"
PROFILER_TICKET_ENV = "SIMPL_PROFILER_TICKET"
AUTHENTICATOR_URI = "world.simpl.authenticate"
BROWSER_PREFIX = "world.simpl.sims."
PROFILER_REGISTER_PREFIX = "simpl.profiler."
WS_PATH = "ws"

# Players send small JSON/CBOR messages; 1 MiB is generous and bounds what one bad client
# can make the router buffer (the original allowed unlimited messages).
MAX_MESSAGE_SIZE = 1024 * 1024
# A router under load from the profiler must not drop idle-looking sessions; ping every
# 10 s and give a busy peer 60 s to answer before the connection is considered dead.
WS_OPTIONS: dict[str, Any] = {
    "enable_webstatus": False,
    "max_frame_size": MAX_MESSAGE_SIZE,
    "max_message_size": MAX_MESSAGE_SIZE,
    "auto_fragment_size": 65536,
    "fail_by_drop": True,
    "open_handshake_timeout": 5000,
    "close_handshake_timeout": 1000,
    "auto_ping_interval": 10000,
    "auto_ping_timeout": 60000,
    "auto_ping_size": 12,  # Crossbar 26 requires 12..125
}


def _permission(uri: str, *, call: bool, register: bool, publish: bool, subscribe: bool,
                match: str = "prefix") -> dict[str, Any]:
    return {
        "uri": uri,
        "match": match,
        "allow": {"call": call, "register": register, "publish": publish, "subscribe": subscribe},
        # Model services resolve the player from caller_authid/authrole (and publisher_*).
        "disclose": {"caller": True, "publisher": True},
        "cache": True,
    }


def roles() -> list[dict[str, Any]]:
    """The three roles of the realm; there is deliberately no `anonymous` role."""
    everything = dict(call=True, register=True, publish=True, subscribe=True)
    use_only = dict(call=True, register=False, publish=True, subscribe=True)
    return [
        {"name": "service", "permissions": [_permission("", **everything)]},
        {"name": "profiler", "permissions": [
            _permission("", **use_only),
            # The longest matching prefix wins, so this adds `register` under simpl.profiler.
            _permission(PROFILER_REGISTER_PREFIX, **everything),
        ]},
        {"name": "browser", "permissions": [_permission(BROWSER_PREFIX, **use_only)]},
    ]


def ws_auth(realm: str) -> dict[str, Any]:
    """Authentication methods of the /ws endpoint: static tickets and dynamic WAMP-CRA."""
    return {
        "ticket": {
            "type": "static",
            "principals": {
                SERVICE_AUTHID: {"ticket": "${%s}" % SERVICE_TICKET_ENV, "role": "service"},
                PROFILER_AUTHID: {"ticket": "${%s}" % PROFILER_TICKET_ENV, "role": "profiler"},
            },
        },
        "wampcra": {
            "type": "dynamic",
            "authenticator": AUTHENTICATOR_URI,
            # Without it Crossbar looks the authenticator up in whatever realm the *client*
            # asked for. No "authenticator-role": Crossbar 26 then calls through its built-in
            # `trusted` service session; naming a role of ours makes it find no session.
            "authenticator-realm": realm,
        },
    }


def build_config(*, port: int, realm: str = "realm1", host: str = "127.0.0.1") -> dict[str, Any]:
    """The full version-2 node configuration for one router worker listening on host:port."""
    if not 0 < port < 65536:
        raise ValueError(f"router port must be 1..65535, got {port}")
    if not realm:
        raise ValueError("realm must not be empty")
    return {
        "version": 2,
        "controller": {},
        "workers": [{
            "type": "router",
            "realms": [{"name": realm, "roles": roles()}],
            "transports": [{
                "type": "web",
                "endpoint": {"type": "tcp", "interface": host, "port": port, "backlog": 1024},
                "paths": {
                    WS_PATH: {
                        "type": "websocket",
                        "serializers": ["cbor", "msgpack", "json"],
                        "auth": ws_auth(realm),
                        "options": WS_OPTIONS,
                    },
                },
            }],
        }],
    }


def write_config(cbdir: Path, config: dict[str, Any]) -> Path:
    """Write `config.json` into cbdir, readable by the owner only; return its path."""
    cbdir.mkdir(parents=True, exist_ok=True)
    path = cbdir / "config.json"
    # Create with 0600 from the start rather than chmod afterwards, so there is no window
    # in which another user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(config, handle, indent=2)
        handle.write("\n")
    os.chmod(path, 0o600)
    return path


def ws_url(host: str, port: int) -> str:
    return f"ws://{host}:{port}/{WS_PATH}"
