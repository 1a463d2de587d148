"""CSV that opens in a spreadsheet with Latvian letters intact.

Decisions: UTF-8 with a byte-order mark (Excel then reads UTF-8 instead of the system code page);
for ``--lang lv`` the separator is ``;`` and numbers use a decimal comma (what a spreadsheet set to
Latvian expects, since the comma is its decimal mark), for ``en`` ``,`` and a decimal point. Numbers
carry no thousands separators or currency signs, so they stay numbers; dates are ``01.07.2021`` (lv)
or ``2021-07-01`` (en). A report with several tables writes each under a line with its title,
separated by an empty line; ``table=`` writes only that one table, header first, nothing else.
"""

from __future__ import annotations

import csv
import io

from mikronet.errors import InputError
from mikronet.reports.document import Document, cells

__all__ = ["BOM", "render_csv"]

BOM = "\ufeff"


def render_csv(doc: Document, *, table: str | None = None) -> str:
    """The document's tables as CSV text, starting with the BOM."""
    tables = doc.tables()
    if table is not None:
        chosen = [t for t in tables if t.key == table]
        if not chosen:
            raise InputError(f"--table {table!r}: the {doc.report} report has the tables "
                             + ", ".join(t.key for t in tables))
        tables = tuple(chosen)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if doc.lang.code == "lv" else ",", lineterminator="\r\n")
    for index, block in enumerate(tables):
        if table is None:
            if index:
                writer.writerow([])
            writer.writerow([block.title])
        writer.writerow([c.label for c in block.columns])
        writer.writerows(cells(doc.lang, block, plain=True))
    return BOM + buffer.getvalue()
