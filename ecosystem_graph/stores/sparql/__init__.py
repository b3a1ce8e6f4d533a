"""``sparql:URL``: the graph in a remote triple store, reached over the standard protocols
(:mod:`.store` describes how it is written and read)."""

from .store import SparqlStore

__all__ = ["SparqlStore"]
