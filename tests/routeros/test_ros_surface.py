"""The public surface of mikronet.routeros: what __all__ promises exists, and nothing private leaks."""

from __future__ import annotations

import mikronet.routeros as routeros


def test_all_is_sorted_and_complete() -> None:
    assert routeros.__all__ == sorted(routeros.__all__)
    for name in routeros.__all__:
        assert hasattr(routeros, name), name
    public = {n for n in dir(routeros) if not n.startswith("_")}
    modules = {"commands", "data", "diff", "export", "lexer", "model", "normalize", "parser", "plan", "printed",
               "quoting", "render", "schema", "syntax", "values", "version", "words", "annotations"}
    assert public - set(routeros.__all__) <= modules


def test_docstring_names_every_function() -> None:
    doc = routeros.__doc__ or ""
    for name in routeros.__all__:
        if callable(getattr(routeros, name)) and name[0].islower():
            assert name in doc, name
