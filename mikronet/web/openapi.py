"""The OpenAPI description of the dashboard's JSON answers (``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from mikronet import __version__

__all__ = ["openapi"]

_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["en", "lv"]}}


def _get(summary: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {"get": {
        "summary": summary,
        "parameters": [_LANG, *params],
        "security": [{"session": []}],
        "responses": {
            "200": {"description": "the page's data, within the user's scope",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"description": "not logged in, or the session expired"},
            "403": {"description": "the sign-on proxy (serve --proxy-user-header) named someone who is not a "
                                   "dashboard user"},
            "404": {"description": "nothing by that name in the user's scope"},
        },
    }}


def _path(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": what}


def _query(name: str, what: str, fmt: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = ({"type": "integer", "minimum": 1} if fmt == "integer"
                              else {"type": "string"} | ({"format": fmt} if fmt else {}))
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": what}


def openapi() -> dict[str, Any]:
    """The description, OpenAPI 3.1."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "mikronet dashboard", "version": __version__,
                 "description": "Read-only: the programme's progress and the fleet's state. A municipality "
                                "user sees only its own schools; anything else answers 404."},
        "components": {"securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "mikronet"}}},
        "paths": {
            "/api/programme": _get("Progress to the target, by municipality and category (mikronet report "
                                   "progress's JSON), and under `map` the figures each municipality's outline "
                                   "is shaded by"),
            "/api/municipalities/{name}": _get("A municipality's schools and their state",
                                               _path("name", "the municipality, as the inventory names it")),
            "/api/schools/{school}": _get("A school's routers (fleet state) and its ledger events",
                                          _path("school", "the school's id, e.g. LV-0042")),
            "/api/fleet": _get("RouterOS versions and models; drifting, unreachable and mismatched routers"),
            "/api/rollouts": _get("Recent run records and each router's outcome"),
            "/api/ledger": _get("Ledger events, filtered, newest first, 50 a page; whether the chain verifies and "
                                "when it was verified",
                                _query("school", "school id"), _query("municipality", "municipality"),
                                _query("kind", "event kind"), _query("technician", "technician"),
                                _query("from", "first day (UTC)", "date"), _query("to", "last day (UTC)", "date"),
                                _query("page", "page number, 1 (the newest) by default", "integer")),
            "/api/assessment": _get("Each school's latest assessment: findings and the solutions they call for, "
                                    "planned categories, measured median against contracted speed (mikronet report "
                                    "assessment's JSON)"),
        },
    }
