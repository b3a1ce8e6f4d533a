"""RDF streamed in batches: N-Triples chunks cut to what one request may carry, and RDF files read
as such chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ...errors import StoreError

__all__ = ["Batches", "RDF_SUFFIXES", "rdf_file_chunks"]


class Batches:
    """Cuts a stream of N-Triples chunks into request-sized batches and counts distinct triples.

    Triples with blank nodes are held back and sent together in the last batch: a blank node
    label names the same node only within one request, so splitting them would split the node.
    Distinct triples are counted by a 64-bit hash of each line (a collision could only make the
    count check fail, never pass), so memory stays small.

    >>> batches = Batches([b'<urn:a> <urn:p> "x" .\\n<urn:a> <urn:p> _:b .\\n', b'<urn:a> <urn:p> "x" .\\n'], 10)
    >>> [len(b.splitlines()) for b in batches], batches.distinct()
    ([2, 1], 2)
    """

    def __init__(self, chunks: Iterable[bytes], batch_lines: int, batch_bytes: int | None = None) -> None:
        self._chunks = chunks
        self._lines, self._bytes = batch_lines, batch_bytes
        self._hashes: list[Any] = []
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        import numpy

        pending: list[bytes] = []
        size = 0
        held: list[bytes] = []
        for chunk in self._chunks:
            lines = [line for line in chunk.splitlines() if line.strip() and not line.lstrip().startswith(b"#")]
            self._hashes.append(numpy.fromiter((hash(line.strip()) for line in lines), dtype=numpy.int64,
                                               count=len(lines)))
            for line in lines:
                if b"_:" in line:
                    held.append(line)
                    continue
                pending.append(line)
                size += len(line) + 1
                if len(pending) >= self._lines or (self._bytes and size >= self._bytes):
                    yield self._take(pending)
                    pending, size = [], 0
        if pending:
            yield self._take(pending)
        if held:
            yield self._take(held)

    def _take(self, lines: list[bytes]) -> bytes:
        self.sent += len(lines)
        return b"\n".join(lines) + b"\n"

    def distinct(self) -> int:
        """How many distinct triples went by (after iterating)."""
        import numpy

        if not self._hashes:
            return 0
        return int(numpy.unique(numpy.concatenate(self._hashes)).size)


#: File suffix -> the format pyoxigraph parses it as.
RDF_SUFFIXES = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".nq": "N_QUADS", ".trig": "TRIG", ".rdf": "RDF_XML",
                ".jsonld": "JSON_LD"}


def rdf_file_chunks(path: Path, batch: int = 50_000) -> Iterator[bytes]:
    """An RDF file's triples as N-Triples chunks of ``batch`` triples, parsed as a stream (the
    graphs of a TriG or N-Quads file are merged into one).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "g.ttl"
    >>> _ = path.write_text('<urn:a> <urn:p> "x", "y" .')
    >>> b"".join(rdf_file_chunks(path)).count(b"\\n")
    2
    """
    import pyoxigraph as ox

    name = RDF_SUFFIXES.get(path.suffix)
    if name is None:
        raise StoreError(f"{path}: expected an RDF file ending in {', '.join(RDF_SUFFIXES)}")
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    fmt = getattr(ox.RdfFormat, name)
    pending: list[Any] = []
    try:
        for item in ox.parse(path=str(path), format=fmt):
            pending.append(item.triple if isinstance(item, ox.Quad) else item)
            if len(pending) >= batch:
                chunk = ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES)
                assert chunk is not None  # None only when given an output to write to
                yield chunk
                pending = []
    except SyntaxError as exc:
        raise StoreError(f"{path}: not valid RDF ({exc})") from None
    if pending:
        chunk = ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES)
        assert chunk is not None
        yield chunk
