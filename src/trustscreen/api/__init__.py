"""HTTP API: the native /v1 routes and a yente-compatible surface over the same store and matcher."""

from trustscreen.api.app import create_app
from trustscreen.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
