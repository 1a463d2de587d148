"""The RouterOS console of the simulated routers, without SSH: one line in, RouterOS's text out."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pytest
from support.corpus import corpus_dir

from mikronet.routeros.quoting import quote
from mikronet.sim import printing
from mikronet.sim.console import Console
from mikronet.sim.menus import MenuTree, Request
from mikronet.sim.reply import Reply, Trap
from mikronet.sim.versions import Behaviour, behaviour_for

CORPUS = corpus_dir()
CAPTURES = CORPUS / "outputs" / "ansible-community-routeros"
LATVIAN = "Rīgas Valsts 1. ģimnāzija — ā č ē ģ ī ķ ļ ņ š ū ž"


class FakeRouter:
    """A small stand-in for :class:`mikronet.sim.device.SimDevice` with the same call contract.

    Just enough RouterOS to exercise the console: /ip address, /interface, /ip service, /user,
    the single-instance system menus, package update, reboot and a plain export.
    """

    def __init__(self, identity: str = "MikroTik", version: str = "7.14.3", serial: str = "HF1") -> None:
        self.version = version
        self.serial = serial
        self.online = True
        self.menus = MenuTree()
        self.calls: list[tuple[str, dict[str, str]]] = []
        self._listeners: list[Callable[[str], None]] = []
        self._next = 1
        self.singletons: dict[tuple[str, ...], dict[str, str]] = {
            ("system", "identity"): {"name": identity},
            ("system", "resource"): {
                "uptime": "3h28m52s", "version": f"{version} (stable)", "build-time": "2024-05-15 10:11:12",
                "free-memory": "1036337152", "total-memory": "1059906560", "cpu": "ARM", "cpu-count": "4",
                "cpu-frequency": "716", "cpu-load": "3", "free-hdd-space": "3510272",
                "total-hdd-space": "16777216", "write-sect-since-reboot": "296", "write-sect-total": "296",
                "architecture-name": "arm", "board-name": "hAP ac^2",
                "platform": "MikroTik",
            },
            ("system", "routerboard"): {
                "routerboard": "true", "board-name": "hAP ac^2", "model": "RBD52G-5HacD2HnD",
                "serial-number": serial, "firmware-type": "ipq4000L", "factory-firmware": "6.45.9",
                "current-firmware": version, "upgrade-firmware": version,
            },
            ("system", "package", "update"): {"channel": "stable", "installed-version": version},
        }
        self.tables: dict[tuple[str, ...], list[dict[str, str]]] = {
            ("interface",): [], ("ip", "address"): [], ("ip", "service"): [], ("user",): [],
            ("user", "ssh-keys"): [],
        }
        for n in range(1, 6):
            self._add(("interface",), {
                "name": f"ether{n}", "default-name": f"ether{n}", "type": "ether", "mtu": "1500",
                "actual-mtu": "1500", "mac-address": f"48:8F:5A:00:00:0{n}", "running": "true",
                "disabled": "false",
            })
        for name, port in (("telnet", "23"), ("ftp", "21"), ("ssh", "22"), ("api", "8728")):
            self._add(("ip", "service"), {"name": name, "port": port, "disabled": "false"})
        self._add(("user",), {"name": "admin", "group": "full", "disabled": "false"})
        for path in self.tables:
            for verb in ("print", "add", "set", "remove", "enable", "disable", "get", "unset", "comment"):
                self.menus.register(path, verb, self._table_verb)
            self.menus.register(path, "export", lambda r: Reply())
        for path in self.singletons:
            for verb in ("print", "set", "get"):
                self.menus.register(path, verb, self._single_verb)
        self.menus.register(("system",), "reboot", self._reboot)
        self.menus.register(("system", "routerboard"), "upgrade", lambda r: Reply())
        self.menus.register(("system", "package", "update"), "check-for-updates", self._check)
        self.menus.register(("system", "package", "update"), "install", self._install)
        self.menus.register(("system", "backup"), "save", lambda r: Reply())
        self.menus.register(("ipv6",), "settings-placeholder", lambda r: Reply())
        self.menus.register((), "export", lambda r: Reply())

    # --- the SimDevice contract --------------------------------------------------------------------
    @property
    def identity(self) -> str:
        return self.singletons[("system", "identity")]["name"]

    @property
    def behaviour(self) -> Behaviour:
        return behaviour_for(self.version)

    def authenticate(self, username: str, password: str) -> bool:
        return self.online and username == "admin" and password == "secret"

    def add_listener(self, callback: Callable[[str], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[str], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def call(self, command: str, args: Mapping[str, str], queries: Sequence[str] = (), *,
             user: str = "admin") -> Reply:
        if not self.online:
            return Reply(disconnect=True)
        self.calls.append((command, dict(args)))
        parts = tuple(p for p in command.split("/") if p)
        path, verb = parts[:-1], parts[-1] if parts else ""
        if not self.menus.is_prefix(path):
            return Reply(trap=Trap("no such command prefix"))
        if verb not in self.menus.verbs(path):
            return Reply(trap=Trap("no such command"))
        handler = self.menus.resolve(path, verb)
        return handler(Request(path, verb, dict(args), tuple(queries), user))

    def export(self, *, path: tuple[str, ...] | None = None, terse: bool = False, verbose: bool = False,
               show_sensitive: bool | None = None) -> str:
        lines = [f"# 2024-05-15 22:25:49 by RouterOS {self.version}", "# software id = TWIQ-YM3K", "#",
                 "# model = RBD52G-5HacD2HnD", f"# serial number = {self.serial}"]
        sections = [(("system", "identity"), [f"set name={quote(self.identity)}"])]
        addresses = [" ".join(f"{k}={quote(v)}" for k, v in sorted(row.items())
                               if k != ".id" and v != "false")
                     for row in self.tables[("ip", "address")]]
        sections.append((("ip", "address"), [f"add {a}" for a in addresses]))
        for section, items in sorted(sections):
            if path is not None and section != path:
                continue
            if terse:
                lines += [f"/{' '.join(section)} {item}" for item in items]
            elif items:
                lines += [f"/{' '.join(section)}", *items]
        return "\n".join(lines) + "\n"

    # --- handlers ------------------------------------------------------------------------------------
    def _add(self, path: tuple[str, ...], values: dict[str, str]) -> str:
        row = {".id": f"*{self._next:X}", **values}
        self._next += 1
        self.tables[path].append(row)
        return row[".id"]

    def _targets(self, request: Request) -> list[dict[str, str]]:
        refs = (request.args.get("numbers") or request.args.get(".id") or "").split(",")
        rows = self.tables[request.path]
        found = []
        for ref in refs:
            match = [r for r in rows if ref in (r[".id"], r.get("name"))]
            if not match:
                raise LookupError
            found += match
        return found

    def _table_verb(self, request: Request) -> Reply:
        rows = self.tables[request.path]
        values = {k: v for k, v in request.args.items() if k not in ("numbers", ".id", "value-name")}
        values = {k: {"yes": "true", "no": "false"}.get(v, v) for k, v in values.items()}
        if request.verb == "print":
            return Reply(rows=[dict(r) for r in rows])
        if request.verb == "add":
            if request.path == ("ip", "address"):
                if any(r["address"] == values.get("address") for r in rows):
                    return Reply(trap=Trap("failure: already have such address"))
                if values.get("interface") not in {r["name"] for r in self.tables[("interface",)]}:
                    return Reply(trap=Trap("input does not match any value of interface", 1))
                values["network"] = values["address"].split("/")[0].rsplit(".", 1)[0] + ".0"
                values.setdefault("disabled", "false")
                values.setdefault("dynamic", "false")
                values.setdefault("invalid", "false")
            for key in values:
                if key not in ("address", "interface", "network", "comment", "disabled", "dynamic",
                               "invalid", "name", "group", "password", "user", "key"):
                    return Reply(trap=Trap(f"unknown parameter {key}"))
            return Reply(ret=self._add(request.path, values))
        try:
            targets = self._targets(request)
        except LookupError:
            return Reply(trap=Trap("no such item"))
        for row in targets:
            if request.verb == "remove":
                rows.remove(row)
            elif request.verb in ("enable", "disable"):
                row["disabled"] = "true" if request.verb == "disable" else "false"
            elif request.verb == "unset":
                row.pop(request.args["value-name"], None)
            elif request.verb == "get":
                return Reply(ret=row.get(request.args["value-name"], ""))
            else:
                row.update(values)
        return Reply()

    def _single_verb(self, request: Request) -> Reply:
        row = self.singletons[request.path]
        if request.verb == "print":
            return Reply(rows=[dict(row)])
        if request.verb == "get":
            return Reply(ret=row.get(request.args["value-name"], ""))
        row.update({k: v for k, v in request.args.items()})
        return Reply()

    def _go_offline(self) -> None:
        self.online = False
        for callback in list(self._listeners):
            callback("offline")

    def _reboot(self, request: Request) -> Reply:
        self._go_offline()
        return Reply(disconnect=True)

    def _check(self, request: Request) -> Reply:
        base = {"channel": "stable", "installed-version": self.version}
        return Reply(rows=[{".section": "0", **base, "status": "finding out latest version..."},
                           {".section": "1", **base, "latest-version": "7.16.2",
                            "status": "New version is available"}])

    def _install(self, request: Request) -> Reply:
        rows = [{"channel": "stable", "installed-version": self.version, "latest-version": "7.16.2",
                 "status": "Downloaded, rebooting..."}]
        self._go_offline()
        return Reply(rows=rows, disconnect=True)


def console(router: FakeRouter | None = None, width: int = 80) -> Console:
    return Console(router or FakeRouter(), "admin", width, 24)


# --- prompt, banner, navigation --------------------------------------------------------------------

def test_prompt_top_level_and_submenus_v7_and_v6() -> None:
    c = console()
    assert c.prompt() == "[admin@MikroTik] > "
    assert c.feed("/ip address").text == ""
    assert c.prompt() == "[admin@MikroTik] /ip/address> "
    c.feed("..")
    assert c.prompt() == "[admin@MikroTik] /ip> "
    c.feed("/")
    assert c.prompt() == "[admin@MikroTik] > "
    v6 = console(FakeRouter(version="6.49.17"))
    v6.feed("/ip address")
    assert v6.prompt() == "[admin@MikroTik] /ip address> "


def test_banner_v7_and_v6() -> None:
    banner = console().banner()
    assert "  MikroTik RouterOS 7.14.3 (c) 1999-2024       https://www.mikrotik.com/" in banner.splitlines()
    assert "Press F1 for help" in banner
    assert "[?]" not in banner
    v6 = console(FakeRouter(version="6.49.17")).banner()
    assert "Press F1" not in v6
    assert "..              Move up one level" in v6.splitlines()


def test_slash_paths_only_on_v7() -> None:
    assert "name: MikroTik" in console().feed("/system/identity/print").text
    v6 = console(FakeRouter(version="6.49.17"))
    error = "bad command name system/identity/print (line 1 column 2)\n"
    assert v6.feed("/system/identity/print").text == error
    assert "name: MikroTik" in v6.feed("/system identity print").text


def test_relative_commands_and_leading_spaces() -> None:
    c = console()
    c.feed("/system")
    assert c.feed("  identity print").text == "  name: MikroTik\n"
    assert c.feed("/system identity pr").text == "  name: MikroTik\n"  # unambiguous abbreviation


# --- errors as RouterOS prints them ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("/nosuch", "bad command name nosuch (line 1 column 2)"),
        ("/system backup print", "bad command name print (line 1 column 16)"),
        ("/ipv6 address print detail without-paging", "bad command name address (line 1 column 7)"),
        ("/ip address print foo", "expected end of command (line 1 column 19)"),
        ('/system identity set name="abc', "syntax error (line 1 column 27)"),
        ("/ip address remove 99", "no such item"),
        ("/ip address set nosuch comment=x", "no such item"),
        ("/ip address add address=10.0.0.1/24 interface=nosuch",
         "input does not match any value of interface"),
        ("/ip address add address=10.0.0.1/24 interface=ether1 colour=red",
         "expected end of command (line 1 column 54)"),
    ],
)
def test_error_lines(line: str, error: str) -> None:
    assert console().feed(line).text == error + "\n"


def test_duplicate_address_failure() -> None:
    c = console()
    assert c.feed("/ip address add address=10.0.0.1/24 interface=ether1").text == ""
    assert c.feed("/ip address add address=10.0.0.1/24 interface=ether1").text == (
        "failure: already have such address\n"
    )


def test_terminal_regexes_of_ansible_match_prompts_and_errors() -> None:
    # community.routeros plugins/terminal/routeros.py (reference 4.4), applied to bytes as Ansible does
    stdout_re = [re.compile(rb"\x1b<"),
                 re.compile(rb"((\[[\w\-\.]+\@)|(\r\<(([\w\-\.]*\@)|)))[\w\s\-\.\/]+\] ?(<SAFE)?> ?$"),
                 re.compile(rb'Please press "Enter" to continue!'),
                 re.compile(rb"Do you want to see the software license\? \[Y\/n\]: ?")]
    stderr_re = [re.compile(rb"\nbad command name"), re.compile(rb"\nno such item"),
                 re.compile(rb"\ninvalid value for")]
    for identity in ("MikroTik", "Skola 1", "Schule-Nord 2"):
        prompt = console(FakeRouter(identity=identity)).prompt().encode()
        assert any(r.search(prompt) for r in stdout_re), identity
        assert not any(r.search(prompt + b"\r\n") for r in stdout_re)
    c = console()
    for line in ("/nosuch print", "/ip address remove 7"):
        shown = ("\r\n" + c.feed(line).text.replace("\n", "\r\n")).encode() + c.prompt().encode()
        assert any(r.search(shown) for r in stderr_re), line


# --- print -------------------------------------------------------------------------------------------

def test_single_instance_print_parses_with_ansible_facts_regexes() -> None:
    c = console()
    resource = c.feed("/system resource print without-paging").text
    assert "                   uptime: 3h28m52s\n" in resource
    assert "              free-memory: 988.3MiB\n" in resource
    assert "                 cpu-load: 3%\n" in resource
    assert "            cpu-frequency: 716MHz\n" in resource
    assert "           free-hdd-space: 3428.0KiB\n" in resource
    # community.routeros plugins/modules/facts.py
    assert re.search(r"version:\s(.*)\s*$", resource, re.M).group(1) == "7.14.3 (stable)"  # type: ignore[union-attr]
    memory = re.search(r"free-memory:\s(\d+\.?\d*)([KMG]iB)", resource, re.M)
    assert memory is not None and memory.groups() == ("988.3", "MiB")
    assert re.search(r"total-hdd-space:\s(.*)([KMG]iB)", resource, re.M) is not None
    board = c.feed("/system routerboard print without-paging").text
    assert "       routerboard: yes\n" in board
    assert re.search(r"model:\s(.*)\s*$", board, re.M).group(1) == "RBD52G-5HacD2HnD"  # type: ignore[union-attr]
    assert re.search(r"serial-number:\s(.*)\s*$", board, re.M).group(1) == "HF1"  # type: ignore[union-attr]
    assert c.feed("/system identity print without-paging").text == "  name: MikroTik\n"


def test_resource_print_matches_real_capture_layout() -> None:
    real = (CAPTURES / "facts__system_resource_print_without-paging.txt").read_text()
    ours = console().feed("/system resource print").text
    def widths(text: str) -> set[int]:
        return {line.index(":") for line in text.splitlines() if ":" in line}
    assert widths(ours) == widths(real) == {25}  # keys right-aligned to write-sect-since-reboot


def _ansible_interfaces(text: str) -> dict[str | None, dict[str, str]]:
    """The parser of community.routeros facts (Interfaces.preprocess / parse_* / DETAIL_RE)."""
    detail_re = re.compile(r'([\w\d\-]+)=\"?(\w{3}/\d{2}/\d{4}\s\d{2}:\d{2}:\d{2}|[\w\d\-\.:/]+)')
    wrapped = re.compile(r"^\s+(?!\d)")
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) == 0 or line[:5] == "Flags":
            continue
        if not re.match(wrapped, line):
            lines.append(line)
        else:
            lines[-1] += line
    facts: dict[str | None, dict[str, str]] = {}
    for line in lines:
        name = re.search(r"name=\"([\w\d\-]+)\"", line) or re.search(r"interface=([\w\d\-]+)", line)
        facts[name.group(1) if name else None] = dict(re.findall(detail_re, line))
    return facts


def test_detail_prints_parse_like_ansible_facts() -> None:
    c = console()
    c.feed("/ip address add address=192.168.88.1/24 interface=ether2 comment=defconf")
    c.feed("/ip address add address=10.1.2.3/24 interface=ether1")
    interfaces = c.feed("/interface print detail without-paging").text
    assert interfaces.startswith("Flags: D - dynamic; X - disabled, R - running; S - slave\n")
    parsed = _ansible_interfaces(interfaces)
    assert parsed["ether3"]["mtu"] == "1500"
    assert parsed["ether3"]["mac-address"] == "48:8F:5A:00:00:03"
    addresses = _ansible_interfaces(c.feed("/ip address print detail without-paging").text)
    assert addresses["ether2"]["address"] == "192.168.88.1/24"
    assert addresses["ether1"]["network"] == "10.1.2.0"
    real = (CAPTURES / "facts__ip_address_print_detail_without-paging.txt").read_text()
    assert _ansible_interfaces(real)["ether1"]["address"]  # the same parser reads the real capture


def test_detail_layout_wraps_at_width_with_comment_line() -> None:
    c = console(FakeRouter(version="6.49.17"))
    c.feed("/ip address add address=192.168.88.1/24 interface=ether1 comment=defconf")
    assert c.feed("/ip address print detail").text == (
        "Flags: X - disabled, I - invalid, D - dynamic\n"
        " 0   ;;; defconf\n"
        "     address=192.168.88.1/24 interface=ether1 network=192.168.88.0\n"
    )
    narrow = console(width=40)
    lines = narrow.feed("/interface print detail").text.splitlines()
    assert all(len(line) < 40 for line in lines)
    assert lines[:2] == ["Flags: D - dynamic; X - disabled,", "R - running; S - slave"]
    assert lines[2] == ' 0 R name="ether1"'
    assert lines[3] == '     default-name="ether1" type="ether"'  # indented past number and flags


def test_table_print_v6_and_v7_and_numbers_from_last_print() -> None:
    v6 = console(FakeRouter(version="6.49.17"))
    v6.feed("/ip address add address=1.2.3.6/30 interface=ether1")
    v6.feed("/ip address add address=192.167.1.5/27 interface=ether2 comment=\"test ip1\"")
    assert v6.feed("/ip address print").text.splitlines() == [
        "Flags: X - disabled, I - invalid, D - dynamic",
        " #   ADDRESS        NETWORK     INTERFACE",
        " 0   1.2.3.6/30     1.2.3.0     ether1",
        " 1   ;;; test ip1",
        "     192.167.1.5/27 192.167.1.0 ether2",
    ]
    v7 = console()
    v7.feed("/ip address add address=1.2.3.6/30 interface=ether1 comment=uplink")
    assert v7.feed("/ip address print").text.splitlines()[:4] == [
        "Columns: ADDRESS, NETWORK, INTERFACE",
        "# ADDRESS     NETWORK  INTERFACE",
        ";;; uplink",
        "0 1.2.3.6/30  1.2.3.0  ether1   ",
    ]
    v7.feed("/ip address disable 0")
    assert v7.feed("/ip address print").text.splitlines()[0] == "Flags: X - DISABLED"


def test_where_and_count_only_and_terse() -> None:
    c = console()
    assert c.feed('/interface print count-only where name~"ether[12]$"').text == "2\n"
    assert c.feed("/interface print count-only where !running").text == "0\n"
    assert c.feed("/interface print count-only where mtu>1000 and (name=ether1 or name=ether5)").text == "2\n"
    terse = c.feed("/interface print terse where name=ether4").text
    assert terse.startswith(" 0 R name=ether4 default-name=ether4 type=ether mtu=1500")


# --- add / set / remove with find and numbers ---------------------------------------------------------

def test_set_remove_enable_disable_with_find_names_and_numbers() -> None:
    router = FakeRouter()
    c = console(router)
    c.feed("/ip service set telnet disabled=yes")
    c.feed("/ip service disable [ find name=ftp ]")
    services = {r["name"]: r["disabled"] for r in router.tables[("ip", "service")]}
    assert services == {"telnet": "true", "ftp": "true", "ssh": "false", "api": "false"}
    c.feed("/ip service print")
    c.feed("/ip service enable 0,1")
    assert all(r["disabled"] == "false" for r in router.tables[("ip", "service")])
    c.feed("/ip address add address=10.0.0.1/24 interface=ether1")
    c.feed("/ip address add address=10.0.1.1/24 interface=ether2")
    c.feed('/ip address remove [ find where interface="ether2" ]')
    assert [r["address"] for r in router.tables[("ip", "address")]] == ["10.0.0.1/24"]
    c.feed("/ip address")
    c.feed("set [find] comment=\"Latviešu komentārs\"; print")
    assert router.tables[("ip", "address")][0]["comment"] == "Latviešu komentārs"


def test_numbers_question_when_set_has_no_target() -> None:
    router = FakeRouter()
    c = console(router)
    out = c.feed("/ip service set disabled=yes")
    assert not out.question and c.prompt() == "numbers: "
    assert c.feed("telnet").text == ""
    assert router.tables[("ip", "service")][0]["disabled"] == "true"
    assert c.prompt() == "[admin@MikroTik] > "


def test_single_instance_set_and_get_and_latvian_identity() -> None:
    router = FakeRouter()
    c = console(router)
    assert c.feed(f'/system identity set name="{LATVIAN}"').text == ""
    assert router.identity == LATVIAN
    assert c.prompt() == f"[admin@{LATVIAN}] > "
    assert c.feed("/system identity print").text == f"  name: {LATVIAN}\n"
    assert c.feed("/system identity get name").text == LATVIAN + "\n"
    # the same value written as RouterOS hex escapes reads back identically
    escaped = "".join(ch if ord(ch) < 128 else "".join(f"\\{b:02X}" for b in ch.encode()) for ch in LATVIAN)
    c.feed(f'/system identity set name="{escaped}x"')
    assert router.identity == LATVIAN + "x"


# --- export -------------------------------------------------------------------------------------------

def test_export_whole_scoped_terse_and_flags_by_version() -> None:
    c = console()
    c.feed("/ip address add address=10.0.0.1/24 interface=ether1")
    whole = c.feed("/export").text
    assert whole.startswith("# 2024-05-15 22:25:49 by RouterOS 7.14.3\n")
    assert "/ip address\nadd address=10.0.0.1/24 interface=ether1 network=10.0.0.0\n" in whole
    c.feed("/ip address")
    scoped = c.feed("export terse").text
    assert "/ip address add address=10.0.0.1/24" in scoped and "/system identity" not in scoped
    assert c.feed("/export hide-sensitive").text == "expected end of command (line 1 column 9)\n"
    v6 = console(FakeRouter(version="6.49.17"))
    assert v6.feed("/export show-sensitive").text == "expected end of command (line 1 column 9)\n"
    assert v6.feed("/export hide-sensitive").text.startswith("# ")


def test_export_file_goes_to_the_router() -> None:
    router = FakeRouter()
    assert console(router).feed("/export file=backup1 show-sensitive").text == ""
    assert router.calls[-1] == ("/export", {"show-sensitive": "", "file": "backup1"})


# --- questions and commands that end the session --------------------------------------------------------

def test_reboot_asks_and_drops_the_session() -> None:
    router = FakeRouter()
    c = console(router)
    out = c.feed("/system reboot")
    assert out.question and not out.close and c.prompt() == "Reboot, yes? [y/N]: "
    assert c.feed("n").text == "action cancelled\n"
    assert router.online
    assert c.feed("/system reboot").question
    out = c.feed("y")
    assert out.close and not router.online


def test_routerboard_upgrade_confirmation_and_echo() -> None:
    c = console()
    out = c.feed("/system routerboard upgrade")
    assert out.question and c.prompt() == "Do you really want to upgrade firmware? [y/n] "
    assert c.feed("y").text == (
        "echo: system,info,critical Firmware upgraded successfully, "
        "please reboot for changes to take effect!\n"
    )


def test_check_for_updates_prints_progressive_blocks_padded_on_v7() -> None:
    text = console().feed("/system package update check-for-updates").text
    blocks = text.rstrip("\n").split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].splitlines()[2] == "             status: finding out latest version..."
    assert blocks[1].splitlines()[0].startswith("            channel: stable   ")
    assert blocks[1].splitlines()[3] == "             status: New version is available"


def test_install_prints_status_then_closes() -> None:
    router = FakeRouter()
    out = console(router).feed("/system package update install")
    assert "             status: Downloaded, rebooting..." in out.text
    assert out.close and not router.online


def test_put_with_get_and_find() -> None:
    c = console()
    assert c.feed(":put [/system identity get name]").text == "MikroTik\n"
    assert c.feed(':put "a b"').text == "a b\n"
    assert c.feed(":put [/interface find name=ether2]").text == "*2\n"
    c.feed("/interface")
    assert c.feed(":put [get ether3 mtu]").text == "1500\n"


def test_quit_closes() -> None:
    out = console().feed("quit")
    assert out.close and out.text == "interrupted\n"


def test_flag_legends_as_each_version_prints_them() -> None:
    """v6: every flag, joined by commas; v7 detail: every flag, ``;`` between RouterOS's groups and
    ``,`` within one, in capitals from 7.18; v7 tables: only the flags some item shows (a table with
    none has no legend and no flag column, as in the corpus's 7.x ``/ip address print``)."""
    upnp = ("ip", "upnp", "interfaces")
    rows = [(0, {"interface": "bridge1", "type": "external", "disabled": "false", "dynamic": "false"})]
    assert printing.format_items(upnp, rows, v7=False) == [
        "Flags: X - disabled, D - dynamic", " #   INTERFACE TYPE     FORCED-IP", " 0   bridge1   external"]
    assert printing.format_items(upnp, rows, v7=True, detail=True)[0] == "Flags: X - disabled; D - dynamic"
    assert printing.format_items(upnp, rows, v7=True)[0] == "Columns: INTERFACE, TYPE, FORCED-IP"
    v6 = console(FakeRouter(version="6.49.17"))
    assert v6.feed("/ip address print detail").text.splitlines()[0] == (
        "Flags: X - disabled, I - invalid, D - dynamic")
    v7 = console()
    assert v7.feed("/ip address print detail").text.splitlines()[0] == "Flags: X - disabled, I - invalid; D - dynamic"
    late = console(FakeRouter(version="7.19.4"))
    assert late.feed("/ip address print detail").text.splitlines()[0] == "Flags: X - DISABLED, I - INVALID; D - DYNAMIC"
    assert late.feed("/interface print detail").text.splitlines()[0] == (
        "Flags: D - DYNAMIC; X - DISABLED, R - RUNNING; S - SLAVE")
