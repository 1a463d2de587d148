"""The read-only web dashboard (``mikronet serve``): the programme's progress and the fleet's state
for the ministry, municipalities and technicians, each municipality seeing only its own schools.

Pages are rendered on the server (Jinja, autoescaped) with the reports' SVG charts; each has a JSON
twin under ``/api/``. Every data access goes through :class:`~mikronet.web.scope.Scope`.
"""

from __future__ import annotations

from mikronet.web.app import SECRET_FILE, WebSettings, app_from_environment, create_app, open_sources, session_secret
from mikronet.web.scope import NotFound, Scope, Sources
from mikronet.web.users import ROLES, USERS_FILE, User, UserStore

__all__ = ["ROLES", "SECRET_FILE", "USERS_FILE", "NotFound", "Scope", "Sources", "User", "UserStore", "WebSettings",
           "app_from_environment", "create_app", "open_sources", "session_secret"]
