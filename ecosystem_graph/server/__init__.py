"""An HTTP server over the graph: a SPARQL 1.1 Protocol endpoint and linked-data pages.

``ecosystem-graph serve`` runs it (see docs/server.md). The parts:

- :mod:`.app`: the routes (``/sparql``, ``/id/...``, ``/queries``, ``/query``);
- :mod:`.guard`: refuses what would make the server fetch anything, before a store sees it;
- :mod:`.sandbox`: the walls behind the guard: a worker of an embedded store cannot reach a network;
- :mod:`.workers`: the worker processes that run queries, are killed past the time limit, and
  keep one worker free of long queries;
- :mod:`.connections`: bounds on connections and on the time a request may take to arrive;
- :mod:`.headers`: the ``Host`` names answered, the headers every response carries, and CORS;
- :mod:`.formats`: content negotiation and result serialization;
- :mod:`.description`: the SPARQL 1.1 Service Description;
- :mod:`.review`: the review page of ``serve --review`` (drafts of ``extract`` decided in a browser).
"""

from .app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
