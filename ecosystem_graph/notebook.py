"""Show the project's HTML views inline in JupyterLab, classic Notebook and VS Code.

pyvis's ``notebook=True`` writes a file and points an iframe at it, which several front ends
block or cannot resolve. Here the whole self-contained page goes into the iframe's ``srcdoc``
attribute (escaped), inside a sandbox that allows scripts but gives them no origin: the page
cannot reach the notebook, its cookies or the network.
"""

from __future__ import annotations

import html as html_lib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from IPython.display import HTML

    from .graph import KnowledgeGraph

__all__ = ["iframe_html", "open_project_graph", "show_html"]


def iframe_html(page: str, height: int = 600) -> str:
    """The HTML of a sandboxed iframe that shows ``page``, for any front end that renders HTML.

    >>> snippet = iframe_html('<p title="a&b">x</p>', height=200)
    >>> snippet.startswith('<div><iframe sandbox="allow-scripts"'), "a&amp;b" in snippet, "<p" in snippet
    (True, True, False)
    """
    # The wrapping div keeps IPython from treating the snippet as a bare iframe to replace.
    return (f'<div><iframe sandbox="allow-scripts" srcdoc="{html_lib.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd"></iframe></div>')


def show_html(page: str, height: int = 600) -> HTML:
    """An IPython display object for ``page``: the last expression of a cell shows it inline.

    >>> type(show_html("<p>x</p>")).__name__
    'HTML'
    """
    from IPython.display import HTML

    return HTML(iframe_html(page, height))  # type: ignore[no-untyped-call]  # IPython leaves HTML() unannotated


def open_project_graph(store: str | None = None) -> KnowledgeGraph:
    """The graph of the project's own ``data/``, built into its ``build/``, wherever the notebook runs.

    >>> len(open_project_graph().rows("meetings"))
    8
    """
    from .graph import open_graph
    from .locations import project_home

    home = project_home()
    return open_graph(home / "data", home / "build", store=store)
