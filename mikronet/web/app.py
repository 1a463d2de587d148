"""The dashboard's composition root: :func:`create_app` builds the Starlette application from its
sources, users and settings; :func:`app_from_environment` does it from ``MIKRONET_*`` variables for
``mikronet serve --workers N`` (each worker builds its own).

Every request that shows data goes through :func:`_scoped`: it finds the session's user (or sends
the browser to the login page, or answers 401 to the API), builds the user's
:class:`~mikronet.web.scope.Scope` and hands only that to the page's view.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

import anyio
import anyio.to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mikronet.errors import InputError, LedgerError
from mikronet.inventory import load_inventory
from mikronet.ledger import apply_row_security, categories_of, open_ledger
from mikronet.web import views
from mikronet.web.labels import WebLang, web_lang
from mikronet.web.openapi import openapi
from mikronet.web.proxy import DEFAULT_TRUSTED, ProxyMiddleware, TrustedProxies, proxy_user
from mikronet.web.scope import NotFound, Scope, Sources
from mikronet.web.security import Clock, GuardMiddleware, RateLimiter, check_csrf, csrf_token
from mikronet.web.users import USERS_FILE, User, UserStore
from mikronet.web.views_assessment import assessment_page

__all__ = ["SECRET_FILE", "WebSettings", "app_from_environment", "create_app", "open_sources", "session_secret"]

log = logging.getLogger(__name__)

SECRET_FILE = "web-secret"
COOKIE = "mikronet"
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class WebSettings:
    """How the dashboard runs. ``clock`` (seconds) is what sessions and login limits measure time by.
    ``proxy_user_header``: the header in which a trusted proxy (``trusted_proxies``, addresses or
    networks) names the signed-on user (:mod:`mikronet.web.proxy`); ``None``: form logins only."""

    secret_key: str
    tls: bool = False
    session_seconds: int = 8 * 3600
    login_limit_user: int = 5
    login_limit_address: int = 20
    login_window: float = 15 * 60
    clock: Clock = field(default=time.time)
    proxy_user_header: str | None = None
    trusted_proxies: tuple[str, ...] = DEFAULT_TRUSTED
    prepare_every: float | None = 5.0
    """Seconds between looks at the record by the preparer, which computes every scope's first pages
    before the dashboard listens and again after the record changed (``None``: pages only on demand)."""


def session_secret(folder: Path) -> str:
    """The key that signs session cookies: ``web-secret`` beside the users file, made once (0600)."""
    path = folder / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def open_sources(inventory_path: Path, ledger_url: str | None) -> Sources:
    """The inventory (checked), its ledger and its run records folder. On PostgreSQL, the row-level
    security of the municipalities' scopes is put in place (or a note says why it is not)."""
    inventory = load_inventory(inventory_path)
    ledger = open_ledger(ledger_url, base_dir=inventory.trust_dir, categories=categories_of(inventory))
    roles: dict[str, str] = {}
    notes: list[str] = []
    if ledger.backend.kind == "postgresql":
        try:
            roles = apply_row_security(ledger, {s.id: s.municipality for s in inventory.schools})
        except LedgerError as exc:
            notes.append(f"warning: no row-level security in the database ({exc}); municipality users are "
                         "kept to their schools by the dashboard alone. Its database user needs CREATEROLE.")
    return Sources(inventory, ledger, inventory.trust_dir / "runs", roles=roles, notes=tuple(notes))


class _Dashboard:
    """The request handlers; they hold the sources, the users and the rate limiters."""

    def __init__(self, sources: Sources, users: UserStore, settings: WebSettings) -> None:
        self.sources, self.users, self.settings = sources, users, settings
        self._users_stamp = _stamp(users.path)
        self.computing = anyio.CapacityLimiter(1)
        """Pages computed at once: CPU-bound work in more threads than cores only finishes all of it later."""
        logins = sources.ledger.logins
        self.by_user = RateLimiter(settings.login_limit_user, settings.login_window, logins, settings.clock)
        self.by_address = RateLimiter(settings.login_limit_address, settings.login_window, logins, settings.clock)
        self.env = Environment(loader=PackageLoader("mikronet.web", "templates"), auto_reload=False,
                               autoescape=select_autoescape(default=True, default_for_string=True))
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)  # compiled now, not by the first request of each page

    # -- helpers ---------------------------------------------------------------------------------

    def lang(self, request: Request) -> WebLang:
        return web_lang(request.query_params.get("lang") or request.cookies.get("lang") or "lv")

    def current_users(self) -> UserStore:
        """The users, read again when ``users.yaml`` changed (``mikronet user add`` needs no restart)."""
        stamp = _stamp(self.users.path)
        if stamp != self._users_stamp:
            try:
                self.users = UserStore.load(self.users.path)
            except InputError:
                return self.users  # a file being edited: keep the users we had
            self._users_stamp = stamp
        return self.users

    def user(self, request: Request) -> User | None:
        """The user a trusted proxy named, else the session's (looked up once per request), or ``None``."""
        if "mikronet.user" not in request.scope:
            named = proxy_user(request.scope)
            request.scope["mikronet.user"] = (self._session_user(request) if named is None
                                              else self.current_users().get(named.name or ""))
        found: User | None = request.scope["mikronet.user"]
        return found

    def _session_user(self, request: Request) -> User | None:
        session = request.session
        name, at = session.get("user"), session.get("at")
        if not isinstance(name, str) or not isinstance(at, int | float):
            return None
        if self.settings.clock() - at > self.settings.session_seconds:
            session.clear()
            return None
        return self.current_users().get(name)

    def refused(self, request: Request, api: bool) -> Response | None:
        """The 403 for a user the proxy named who is not in ``users.yaml`` (a login form would not help)."""
        named = proxy_user(request.scope)
        if named is None or self.user(request) is not None:
            return None
        lang = self.lang(request)
        text = lang.t("proxy.unknown") % named.name if named.name else lang.t("proxy.unreadable") % named.problem
        return self.error(request, 403, text, api)

    def html(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = self.lang(request)
        path = context.pop("path", request.url.path)
        same = path == request.url.path
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] if same else []
        values = {"t": lang.t, "lang": lang, "user": self.user(request), "csrf": csrf_token(request.session),
                  "other_lang": f"{path}?{urlencode([*kept, ('lang', lang.other)])}", **context}
        page = self.env.get_template(template).render(values)
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang") == lang.code:
            response.set_cookie("lang", lang.code, max_age=365 * 86400, httponly=True, samesite="lax",
                                secure=self.settings.tls)
        return response

    def error(self, request: Request, status: int, message: str, api: bool) -> Response:
        if api:
            return JSONResponse({"error": message}, status_code=status)
        # the language link goes home: an error page does not repeat what was asked for
        return self.html(request, "error.html", status, title=str(status), message=message, path="/programme")

    # -- pages -----------------------------------------------------------------------------------

    def page(self, view: Callable[..., views.Page], *params: str, api: bool = False
             ) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            user = self.user(request)
            lang = self.lang(request)
            if user is None:
                if (refusal := self.refused(request, api)) is not None:
                    return refusal
                if api:
                    return JSONResponse({"error": "log in first"}, status_code=401)
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={_quote(target)}", status_code=302)
            scope = Scope(self.sources, user)
            args: list[Any] = [request.path_params[p] for p in params]
            if view is views.ledger_page:
                try:
                    args = [views.LedgerFilter.parse(request.query_params)]
                except InputError as exc:
                    return self.error(request, 400, f"{lang.t('badinput')}: {exc}", api)
            key = _page_key(scope, lang, view, api, args)
            try:
                found: tuple[str, str] | None = self.sources.kept_now(key)  # most requests: no thread needed
                if found is None and view in _SMALL:  # a few milliseconds: a thread would only add its hops
                    found = self.sources.kept(key, lambda: self.render(view, scope, lang, args, api))
                if found is None:
                    found = await anyio.to_thread.run_sync(
                        self.sources.kept, key, lambda: self.render(view, scope, lang, args, api),
                        limiter=self.computing)
                body, title = found  # type: ignore[misc]  # kept() returns what render() gave
            except NotFound:
                return self.error(request, 404, lang.t("notfound"), api)
            except InputError as exc:
                return self.error(request, 400, f"{lang.t('badinput')}: {exc}", api)
            if api:
                return Response(body, media_type="application/json")
            return self.html(request, "page.html", title=title, content=Markup(body))

        return handler

    def prepare(self) -> int:
        """Compute what most visits ask for first — the programme, fleet, ledger and assessment pages of
        every scope (everything, and each municipality of the inventory), in Latvian — unless already
        kept for the record as it stands. Returns how many were computed."""
        lang = web_lang("lv")
        scopes = [Scope(self.sources, User("", "ministry"))]
        scopes += [Scope(self.sources, User("", "municipality", m))
                   for m in sorted({s.municipality for s in self.sources.inventory.schools})]
        computed = 0
        stamp = self.sources.stamp()  # one read of the record for the whole pass
        for scope in scopes:
            for view, args in ((views.programme_page, []), (views.fleet_page, []),
                               (views.ledger_page, [views.LedgerFilter()]), (assessment_page, [])):
                key = _page_key(scope, lang, view, False, args)
                if self.sources.kept_now(key, stamp) is None:
                    self.sources.kept(key, functools.partial(self.render, view, scope, lang, args, False), stamp)
                    computed += 1
        return computed

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Prepare the first pages before listening, then again whenever the record changed."""
        every = self.settings.prepare_every
        if every is None:
            yield
            return
        await anyio.to_thread.run_sync(self.prepare, limiter=self.computing)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._keep_prepared, every)
            yield
            tasks.cancel_scope.cancel()

    async def _keep_prepared(self, every: float) -> None:
        while True:
            await anyio.sleep(every)
            try:
                await anyio.to_thread.run_sync(self.prepare, limiter=self.computing)
            except Exception as exc:  # a record being migrated, a database restarting: next time
                log.warning("preparing the dashboard's pages: %s", exc)

    def render(self, view: Callable[..., views.Page], scope: Scope, lang: WebLang, args: list[Any],
               api: bool) -> tuple[str, str]:
        """A page's JSON answer, or the HTML of its content (what lies inside the site's frame), and its title."""
        result = view(scope, lang, *args)
        if api:
            return bytes(JSONResponse(result.data).body).decode("utf-8"), result.title
        template = self.env.get_template(result.template)
        values = {"t": lang.t, "lang": lang, "title": result.title, "data": result.data, **result.extra}
        return "".join(template.blocks["content"](template.new_context(values))), result.title

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/programme", status_code=302)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi())

    async def login_form(self, request: Request) -> Response:
        if (refusal := self.refused(request, api=False)) is not None:
            return refusal
        if proxy_user(request.scope) is not None:  # signed on at the proxy: nothing to log in to
            return RedirectResponse(_local(request.query_params.get("next")), status_code=302)
        return self.html(request, "login.html", next=_local(request.query_params.get("next")), failed=None)

    async def login(self, request: Request) -> Response:
        lang = self.lang(request)
        form = await request.form()
        if not check_csrf(request.session, form.get("csrf")):
            return self.error(request, 403, lang.t("csrf"), api=False)
        name, password = str(form.get("user", "")), str(form.get("password", ""))
        target = _local(str(form.get("next", "")))
        address = request.client.host if request.client else "?"
        keys = (f"user:{name}", f"addr:{address}")
        if self.by_user.blocked(keys[0]) or self.by_address.blocked(keys[1]):
            return self.html(request, "login.html", 429, next=target, failed=lang.t("login.limited"))
        user = self.current_users().authenticate(name, password)
        if user is None:
            self.by_user.fail(keys[0])
            self.by_address.fail(keys[1])
            return self.html(request, "login.html", 401, next=target, failed=lang.t("login.failed"))
        self.by_user.clear(keys[0])
        request.session.clear()  # a new session: nothing from before the login carries over
        request.session.update({"user": user.name, "at": self.settings.clock()})
        csrf_token(request.session)
        return RedirectResponse(target, status_code=303)

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if not check_csrf(request.session, form.get("csrf")):
            return self.error(request, 403, self.lang(request).t("csrf"), api=False)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)


_SMALL: Final = frozenset({views.school_page})
"""Pages of one school: computed in the event loop (about 3 ms), not queued for the pages' thread."""


def _page_key(scope: Scope, lang: WebLang, view: Callable[..., views.Page], api: bool,
              args: list[Any]) -> Hashable:
    """What one scope sees of one page is the same for every user of that scope: kept under this."""
    return ("page", scope.key, lang.code, view.__name__, api, tuple(args))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _quote(text: str) -> str:
    return quote(text, safe="/")


def _local(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or ``https://…``) is a place to go after logging in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/programme"
    return target


def create_app(sources: Sources, users: UserStore, settings: WebSettings) -> Starlette:
    """The dashboard application."""
    app = _Dashboard(sources, users, settings)
    routes = [
        Route("/", app.home),
        Route("/login", app.login_form, methods=["GET"]),
        Route("/login", app.login, methods=["POST"]),
        Route("/logout", app.logout, methods=["POST"]),
        Route("/programme", app.page(views.programme_page)),
        Route("/municipalities/{name}", app.page(views.municipality_page, "name")),
        Route("/schools/{school}", app.page(views.school_page, "school")),
        Route("/fleet", app.page(views.fleet_page)),
        Route("/rollouts", app.page(views.rollouts_page)),
        Route("/ledger", app.page(views.ledger_page)),
        Route("/assessment", app.page(assessment_page)),
        Route("/api/openapi.json", app.openapi),
        Route("/api/programme", app.page(views.programme_page, api=True)),
        Route("/api/municipalities/{name}", app.page(views.municipality_page, "name", api=True)),
        Route("/api/schools/{school}", app.page(views.school_page, "school", api=True)),
        Route("/api/fleet", app.page(views.fleet_page, api=True)),
        Route("/api/rollouts", app.page(views.rollouts_page, api=True)),
        Route("/api/ledger", app.page(views.ledger_page, api=True)),
        Route("/api/assessment", app.page(assessment_page, api=True)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(GuardMiddleware, tls=settings.tls),
        Middleware(ProxyMiddleware, trusted=TrustedProxies(settings.trusted_proxies),
                   user_header=settings.proxy_user_header),
        Middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie=COOKIE,
                   max_age=settings.session_seconds, same_site="strict", https_only=settings.tls),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=app.lifespan)


def app_from_environment() -> Starlette:
    """The application ``mikronet serve`` describes in ``MIKRONET_*`` variables (one per worker)."""
    inventory = Path(os.environ.get("MIKRONET_INVENTORY", "inventory"))
    sources = open_sources(inventory, os.environ.get("MIKRONET_LEDGER") or None)
    folder = sources.inventory.trust_dir
    users = UserStore.load(folder / USERS_FILE)
    trusted = tuple(filter(None, os.environ.get("MIKRONET_WEB_TRUSTED_PROXIES", "").split(",")))
    settings = WebSettings(secret_key=session_secret(folder), tls=os.environ.get("MIKRONET_WEB_TLS") == "1",
                           proxy_user_header=os.environ.get("MIKRONET_WEB_PROXY_USER_HEADER") or None,
                           trusted_proxies=trusted or DEFAULT_TRUSTED)
    return create_app(sources, users, settings)
