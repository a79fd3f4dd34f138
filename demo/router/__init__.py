"""The Crossbar router of the local Simpl stack: its configuration and its process.

Not for: the WAMP-CRA authenticator or the model services (`demo.model_service`).
"""
from demo.router.config import build_config, write_config, ws_url
from demo.router.server import RouterServer

__all__ = ["RouterServer", "build_config", "write_config", "ws_url"]
