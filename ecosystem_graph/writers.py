"""The build's files written from its N-Triples stream, by Oxigraph's serializers.

On the store path (:mod:`.build`) the triples a build streams into the store are also spooled
to a file; the outputs are written from that spool. rdflib's Turtle serializer took 188 s of a
20,000-organization build; reading the graph back out of the store took 15 s for CORDIS
(1.6 million triples), where writing from the spool takes a few seconds. The order is that of
the stream: the ontology, then the records in their files' order, each entity's triples
together, so the same inputs always give the same bytes. N-Triples are sorted line by line, as
the rdflib path writes them.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> spool = folder / "data.nt"
>>> _ = spool.write_bytes(b'<https://w3id.org/ecosystem-graph/id/organization/x> '
...                       b'<http://www.w3.org/2000/01/rdf-schema#label> "X" .\\n')
>>> _ = (folder / "ontology.nt").write_bytes(b"")
>>> write_graph(folder / "ontology.nt", [spool], folder / "graph.ttl", "ttl", "https://w3id.org/ecosystem-graph/id/")
>>> print((folder / "graph.ttl").read_text().splitlines()[-1])
<https://w3id.org/ecosystem-graph/id/organization/x> rdfs:label "X" .
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from .errors import EcosystemGraphError
from .namespaces import PREFIXES

__all__ = ["write_graph"]

_TRIPLE_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}


def write_graph(ontology: Path, data: Sequence[Path], path: Path, name: str, base_iri: str) -> None:
    """Write the ``ontology`` and the ``data`` spool (N-Triples files, the data's in order) to ``path``
    in format ``name``: ttl, nt, jsonld, or trig (the data and the ontology each in the named graph
    the rdflib path gives them, ``{base_iri}graph/data`` and ``.../ontology``).
    """
    if name in _TRIPLE_FORMATS:
        ox.serialize(_triples(ontology, data), str(path), _TRIPLE_FORMATS[name], prefixes=PREFIXES)
    elif name == "nt":
        lines = set(ontology.read_bytes().splitlines()).union(*(p.read_bytes().splitlines() for p in data))
        path.write_bytes(b"\n".join(sorted(line for line in lines if line.strip())) + b"\n")
    elif name == "trig":
        ox.serialize(_quads(ontology, data, base_iri), str(path), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    else:
        raise EcosystemGraphError(f"unknown format {name!r}; expected ttl, nt, jsonld or trig")


def _sorted(ntriples: bytes) -> bytes:
    """Lines sorted: the ontology's triples come in rdflib's hash order, and sorting puts each
    subject's triples together."""
    return b"\n".join(sorted(set(ntriples.splitlines()))) + b"\n"


def _triples(ontology: Path, data: Sequence[Path]) -> Iterator[ox.Triple]:
    yield from ox.parse(_sorted(ontology.read_bytes()), ox.RdfFormat.N_TRIPLES)
    for part in data:
        yield from ox.parse(path=str(part), format=ox.RdfFormat.N_TRIPLES)


def _quads(ontology: Path, data: Sequence[Path], base_iri: str) -> Iterator[ox.Quad]:
    # Data first, as the rdflib path orders the graphs.
    graph = ox.NamedNode(f"{base_iri}graph/data")
    for part in data:
        for triple in ox.parse(path=str(part), format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)
    graph = ox.NamedNode(f"{base_iri}graph/ontology")
    for triple in ox.parse(_sorted(ontology.read_bytes()), ox.RdfFormat.N_TRIPLES):
        yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)
