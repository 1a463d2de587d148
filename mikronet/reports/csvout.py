"""CSV that opens in a spreadsheet with Latvian letters intact.

Decisions: UTF-8 with a byte-order mark (Excel then reads UTF-8 instead of the system code page);
for ``--lang lv`` the separator is ``;`` and numbers use a decimal comma (what a spreadsheet set to
Latvian expects, since the comma is its decimal mark), for ``en`` ``,`` and a decimal point. Numbers
carry no thousands separators or currency signs, so they stay numbers; dates are ``01.07.2021`` (lv)
or ``2021-07-01`` (en). A report with several tables writes each under a line with its title,
separated by an empty line; ``table=`` writes only that one table, header first, nothing else.
Text that a spreadsheet would run as a formula is written with a leading ``'`` (:mod:`mikronet.textsafe`).
"""

from __future__ import annotations

from mikronet.errors import InputError
from mikronet.reports.document import Document, cells
from mikronet.textsafe import BOM, csv_text

__all__ = ["BOM", "render_csv"]

def render_csv(doc: Document, *, table: str | None = None) -> str:
    """The document's tables as CSV text, starting with the BOM."""
    tables = doc.tables()
    if table is not None:
        chosen = [t for t in tables if t.key == table]
        if not chosen:
            raise InputError(f"--table {table!r}: the {doc.report} report has the tables "
                             + ", ".join(t.key for t in tables))
        tables = tuple(chosen)
    rows: list[list[str]] = []
    for index, block in enumerate(tables):
        if table is None:
            if index:
                rows.append([])
            rows.append([block.title])
        rows.append([c.label for c in block.columns])
        rows += cells(doc.lang, block, plain=True)
    return csv_text(rows, delimiter=";" if doc.lang.code == "lv" else ",", bom=True)
