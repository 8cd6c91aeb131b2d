"""The HEI-NW memory server: an HTTP API over ``hei_nw.api.Memory`` with keys, tenants,
limits and metrics."""

from hei_nw.server.app import ServerSettings, create_app
from hei_nw.server.main import serve
from hei_nw.server.tenants import KeyFileError, Tenants

__all__ = ["KeyFileError", "ServerSettings", "Tenants", "create_app", "serve"]
