"""What a RouterOS version prints about the hardware it runs on: the lines of the ``/export`` header
after the date line, and which fields ``/system routerboard print`` has.

The forms are data, each with the captures it was derived from (real exports and prints in
``shared/corpus`` and in public repositories; the version is the one in the capture's header):

* ``# software id = …`` follows the date line on every version, then a bare ``#`` line.
  6.27 (corpus 34), 6.34.6 and 6.39.3 (RouterBOARDs) stop there: no model or serial lines.
* From 6.40 a RouterBOARD adds ``# model = …`` and ``# serial number = …`` (6.40.5 CRS125 and
  RB1100AHx2; 6.44.1, 6.47.8, 6.48.6, 6.49.7 in the corpus); an x86/CHR router prints two more bare
  ``#`` lines instead (6.40.5, 6.41.3 CHR; 6.42.5 x86, corpus 32/33; 6.45beta27 CHR, corpus 38).
* RouterOS 7 prints the model and serial lines on a RouterBOARD (7.2.1, 7.4, 7.6, 7.12.1, 7.18.2,
  7.20.1) and nothing after the ``#`` line on CHR (7.10, 7.16: corpus 09, 28-31, 43).
* CHR has no software id: ``# software id = `` with nothing after it, on 6 (6.40.5, 6.41.3,
  6.45beta27) and 7 (7.5, 7.10, 7.16). x86 on a license has one (6.42.5).
* Some RouterOS 7 exports have only ``# model = …`` after the date (7.13 and 7.19.4, corpus 11, 41,
  42; 7.15.2 and 7.20.4 elsewhere) while others of the same versions have the software id and serial
  (7.12, 7.18.2, 7.20.1, 7.22.1): the short form depends on how the export was taken, not on the
  version, and is not reproduced.
* The model string is the unit's own, not the version's: one model prints ``RouterBOARD 941-2nD`` on
  7.4 and ``RB941-2nD`` on 6.47.10 (different units); see ``model_strings`` in the hardware table.

``/system routerboard print``: ``board-name`` is absent in the 6.42.2 (RB3011), 6.44.2 (CCR1036)
and 6.44.6 (RB4011) captures and present from 6.45.9 (LHG 60G), 6.46.6 (hAP lite), 6.48.6 (hEX PoE
lite), 6.49 (hEX) and on every 7 capture; it is printed from 6.45 on here.
"""

from __future__ import annotations

from dataclasses import dataclass

from mikronet.routeros.version import Version, parse_version

__all__ = ["HeaderForm", "header_lines", "prints_board_name"]


@dataclass(frozen=True)
class HeaderForm:
    """The header lines after the date line, for versions from ``since`` until the next form."""

    since: str
    routerboard: tuple[str, ...]
    other: tuple[str, ...]
    """x86 and CHR."""


HEADER_FORMS: tuple[HeaderForm, ...] = (
    HeaderForm("0", ("software-id", "#"), ("software-id", "#")),
    HeaderForm("6.40", ("software-id", "#", "model", "serial"), ("software-id", "#", "#", "#")),
    HeaderForm("7.0", ("software-id", "#", "model", "serial"), ("software-id", "#")),
)
BOARD_NAME_SINCE = "6.45"


def _form(version: Version) -> HeaderForm:
    chosen = HEADER_FORMS[0]
    for form in HEADER_FORMS:
        if version >= parse_version(form.since):
            chosen = form
    return chosen


def header_lines(version: str | Version, *, routerboard: bool, software_id: str, model: str,
                 serial_number: str) -> list[str]:
    """The ``/export`` header lines after ``# <date> by RouterOS <version>`` on this router."""
    parsed = version if isinstance(version, Version) else parse_version(version)
    form = _form(parsed)
    values = {"software-id": f"# software id = {software_id}", "#": "#", "model": f"# model = {model}",
              "serial": f"# serial number = {serial_number}"}
    return [values[part] for part in (form.routerboard if routerboard else form.other)]


def prints_board_name(version: str | Version) -> bool:
    """Whether ``/system routerboard print`` has ``board-name`` on this version."""
    parsed = version if isinstance(version, Version) else parse_version(version)
    return parsed >= parse_version(BOARD_NAME_SINCE)
