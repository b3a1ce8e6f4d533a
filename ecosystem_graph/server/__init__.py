"""An HTTP server over the graph: a SPARQL 1.1 Protocol endpoint and linked-data pages.

``ecosystem-graph serve`` runs it (see docs/server.md). The parts:

- :mod:`.app`: the routes (``/sparql``, ``/id/...``, ``/queries``, ``/query``);
- :mod:`.guard`: refuses what would make the server fetch anything, before a store sees it;
- :mod:`.workers`: the worker processes that run queries and are killed past the time limit;
- :mod:`.formats`: content negotiation and result serialization;
- :mod:`.description`: the SPARQL 1.1 Service Description.
"""

from .app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
