"""ecosystem-graph: an innovation ecosystem's records as a knowledge graph.

The stages, one module each: :mod:`.records` (read and check records), :mod:`.triples`
(records to RDF), :mod:`.shapes` (SHACL), :mod:`.build` (write the graph), :mod:`.stores`
(hold it), :mod:`.queries` and :mod:`.graph` (ask it questions).

>>> import ecosystem_graph as eg
>>> kg = eg.open_graph()
>>> len(kg.rows("meetings"))
8
"""

from .build import build as build_graph
from .build import compile_graph
from .errors import EcosystemGraphError, QueryError, RecordError, ShapeError, StoreError
from .graph import KnowledgeGraph, open_graph, result_rows
from .records import load_records

__all__ = [
    "EcosystemGraphError", "KnowledgeGraph", "QueryError", "RecordError", "ShapeError", "StoreError",
    "build_graph", "compile_graph", "load_records", "open_graph", "result_rows",
]
__version__ = "0.1.0"
