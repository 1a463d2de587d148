"""``mikronet serve`` and ``mikronet user add``: the read-only web dashboard and its users.

``serve`` checks the inventory and opens the ledger first (bad input exits 2 before anything
listens), then runs the dashboard with uvicorn. ``--workers N`` starts N processes, each building
the application from the same settings (passed as ``MIKRONET_*`` variables) and the same session key
(``web-secret`` beside the inventory). ``user add`` takes the password from a prompt, or from
``MIKRONET_USER_PASSWORD`` for scripts, and stores only its argon2 hash in ``users.yaml`` (0600).

uvicorn's own ``X-Forwarded-*`` handling is off: the dashboard's :mod:`mikronet.web.proxy` reads those
headers, and the single sign-on header (``--proxy-user-header``), from the ``--trusted-proxy`` peers
alone, looking at the connection's own peer address.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import uvicorn

from mikronet.cli.main import get_app
from mikronet.cli.output import echo
from mikronet.cli.root import load
from mikronet.errors import InputError
from mikronet.web import ROLES, USERS_FILE, UserStore, WebSettings, create_app, open_sources, session_secret
from mikronet.web.proxy import DEFAULT_TRUSTED, TrustedProxies, check_header_name

__all__ = ["serve", "user"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--tls-cert", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Serve HTTPS with this certificate (PEM); needs --tls-key.")
@click.option("--tls-key", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="The certificate's private key (PEM).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--proxy-user-header", default=None, metavar="HEADER",
              help="Single sign-on: take the user from this header (e.g. X-Remote-User, percent-encoded or raw "
                   "UTF-8), set by a reverse proxy that authenticated them; believed only from --trusted-proxy.")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDR",
              help="A reverse proxy's address or network (CIDR), repeatable; only its X-Forwarded-For, "
                   "X-Forwarded-Proto and user header are believed.  [default: 127.0.0.1, ::1]")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, tls_cert: Path | None, tls_key: Path | None,
          workers: int, proxy_user_header: str | None, trusted_proxies: tuple[str, ...]) -> None:
    """Serve the read-only dashboard (programme, fleet, rollouts, ledger) to its users."""
    if (tls_cert is None) != (tls_key is None):
        raise InputError("--tls-cert and --tls-key go together")
    if proxy_user_header is not None:
        check_header_name(proxy_user_header)
    trusted = trusted_proxies or DEFAULT_TRUSTED
    TrustedProxies(trusted)  # a bad address stops here (exit 2), in every worker's stead
    app_ctx = get_app(ctx)
    inventory = load(ctx)
    folder = inventory.trust_dir
    users = UserStore.load(folder / USERS_FILE)
    if not users.users():
        echo(f"note: no users yet in {folder / USERS_FILE}; add one with `mikronet user add NAME --role R`",
             err=True)
    tls = tls_cert is not None
    secret = session_secret(folder)
    ssl = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)} if tls else {}
    scheme = "https" if tls else "http"
    sources = open_sources(app_ctx.inventory_path, app_ctx.ledger_url)  # bad input stops here, before listening
    for note in sources.notes:
        echo(note, err=True)
    if proxy_user_header:
        echo(f"single sign-on: the user named in {proxy_user_header} from {', '.join(trusted)}; "
             "form logins otherwise", err=True)
    echo(f"serving on {scheme}://{host}:{port}/ ({workers} worker{'s' if workers > 1 else ''})", err=True)
    if workers == 1:
        settings = WebSettings(secret_key=secret, tls=tls, proxy_user_header=proxy_user_header,
                               trusted_proxies=trusted)
        uvicorn.run(create_app(sources, users, settings), host=host, port=port, log_level="warning",
                    server_header=False, proxy_headers=False, **ssl)  # type: ignore[arg-type]
        return
    sources.ledger.close()  # each worker opens its own
    os.environ["MIKRONET_INVENTORY"] = str(app_ctx.inventory_path.resolve())
    if app_ctx.ledger_url:
        os.environ["MIKRONET_LEDGER"] = app_ctx.ledger_url
    os.environ["MIKRONET_WEB_TLS"] = "1" if tls else "0"
    os.environ["MIKRONET_WEB_PROXY_USER_HEADER"] = proxy_user_header or ""
    os.environ["MIKRONET_WEB_TRUSTED_PROXIES"] = ",".join(trusted)
    uvicorn.run("mikronet.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="warning", server_header=False, proxy_headers=False, **ssl)  # type: ignore[arg-type]


@click.group()
def user() -> None:
    """The dashboard's users (users.yaml beside the inventory)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may see.")
@click.option("--municipality", default=None, help="The municipality a municipality user sees (as the inventory "
                                                   "names it).")
@click.pass_context
def add(ctx: click.Context, name: str, role: str, municipality: str | None) -> None:
    """Add a user (or set a new password and role for one); the password is prompted for, or read from
    MIKRONET_USER_PASSWORD."""
    inventory = load(ctx)
    if municipality is not None and municipality not in {s.municipality for s in inventory.schools}:
        raise InputError(f"--municipality {municipality!r}: no school of the inventory is in it")
    password = os.environ.get("MIKRONET_USER_PASSWORD")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    path = inventory.trust_dir / USERS_FILE
    store = UserStore.load(path)
    store.add(name, role, password, municipality)
    store.save()
    where = f", {municipality}" if municipality else ""
    echo(f"user {name} ({role}{where}) saved in {path}")
