"""Tables analysts plot: named-query results shaped as pandas DataFrames.

The data comes from named queries (``queries/*.rq``); this module only reshapes it, so the
notebooks share one definition of "organizations per theme" or "meetings in time".

>>> from ecosystem_graph import open_graph
>>> kg = open_graph()
>>> int(theme_matrix(kg).loc["Universal TrustMe Engine", "Blockchain"])
1
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .graph import KnowledgeGraph

__all__ = ["place_table", "select", "theme_matrix", "timeline"]


def theme_matrix(kg: KnowledgeGraph) -> pd.DataFrame:
    """Organizations (rows) by themes (columns): 1 where they are directly linked, else 0.

    Columns are ordered by how many organizations share the theme, rows by label.

    >>> from ecosystem_graph import open_graph
    >>> m = theme_matrix(open_graph())
    >>> int(m["Smart cities"].sum()), m.shape[0]
    (7, 10)
    """
    links = kg.dataframe("organization-themes")
    matrix = pd.crosstab(links["label"], links["theme_label"]).clip(upper=1)
    order = matrix.sum().sort_values(ascending=False, kind="stable").index
    matrix = matrix[order].sort_index(key=lambda labels: labels.str.casefold())
    matrix.index.name, matrix.columns.name = "organization", "theme"
    return matrix


def place_table(kg: KnowledgeGraph, kind: str = "city") -> pd.DataFrame:
    """Places of one ``kind`` ("city" or "country") with coordinates and organization counts.

    >>> from ecosystem_graph import open_graph
    >>> t = place_table(open_graph())
    >>> t.loc[t.label == "Peterborough", "organizations"].item()
    2
    """
    places = kg.dataframe("places")
    places = places[places["kind"] == kind].copy()
    for column in ("latitude", "longitude"):
        places[column] = places[column].astype(float)
    return places.reset_index(drop=True)


def _to_date(value: object, last: bool = False) -> date | None:
    """A date from an xsd:date, or the first (``last``: the last) day of a year-month or year."""
    if value is None or isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 4:
        return date(int(text), 12, 31) if last else date(int(text), 1, 1)
    if len(text) == 7:
        start = date.fromisoformat(text + "-01")
        if not last:
            return start
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return date.fromisoformat(text)


def timeline(kg: KnowledgeGraph) -> pd.DataFrame:
    """Visits, meetings and events with ``start`` and ``end`` as timestamps.

    A meeting whose day the sources do not give spans its visit, and an event known only to the
    month spans the month, with ``day_known`` False: the table never invents a day.

    >>> from ecosystem_graph import open_graph
    >>> t = timeline(open_graph())
    >>> sorted(t.loc[t.kind == "meeting", "day_known"].value_counts().items())
    [(False, 6), (True, 2)]
    >>> follow_up = t[t.kind == "event"].iloc[0]
    >>> str(follow_up.start.date()), str(follow_up.end.date()), bool(follow_up.day_known)
    ('2018-09-01', '2018-09-30', False)
    """
    items = kg.dataframe("timeline")
    items["end"] = items["end"].where(items["end"].notna(), items["start"])
    items["start"] = pd.to_datetime(items["start"].map(_to_date))
    items["end"] = pd.to_datetime(items["end"].map(lambda v: _to_date(v, last=True)))
    return items


def select(kg: KnowledgeGraph, sparql: str) -> pd.DataFrame:
    """Any SELECT query as a DataFrame of Python values (project prefixes predeclared).

    >>> from ecosystem_graph import open_graph
    >>> select(open_graph(), "SELECT ?name WHERE { ?p foaf:name ?name } ORDER BY ?name")["name"].tolist()
    ['Adelina Hristova', 'Deyan Pushkarov']
    """
    from .graph import result_rows

    result = kg.query(sparql)
    return pd.DataFrame(result_rows(result), columns=[str(v) for v in result.vars or []])
