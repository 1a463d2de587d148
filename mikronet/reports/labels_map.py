"""Words of the map of municipalities shaded by progress, English and Latvian: merged into
:data:`mikronet.reports.i18n.LABELS`."""

from __future__ import annotations

__all__ = ["MAP_LABELS"]

MAP_LABELS: dict[str, tuple[str, str]] = {
    "map.title": ("Schools done, by municipality", "Paveiktās skolas pa pašvaldībām"),
    "map.legend": ("Share of the municipality's schools done", "Pašvaldības skolu daļa, kurās darbs paveikts"),
    "map.area": ("{name}: {done} of {schools} schools done ({percent})",
                 "{name}: paveikts {done} no {schools} skolām ({percent})"),
    "map.covers": ("{name} (includes {others})", "{name} (ietver {others})"),
    "map.no_schools": ("{name}: no schools in the inventory", "{name}: inventārā nav skolu"),
    "map.legend.none": ("no schools", "nav skolu"),
    "map.not_on_map": ("Not on the map (no outline for these names): {names}",
                       "Kartē nav (šiem nosaukumiem nav robežu): {names}"),
    "map.source": ("Boundaries: {publisher}, {dataset}, {licence}.", "Robežas: {publisher}, {dataset}, {licence}."),
}
