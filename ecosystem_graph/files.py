"""Writing outputs so that nothing is lost: every file of a set goes to a temporary name in its
folder first, and all are renamed into place once all are written, so a failed or killed run leaves
the earlier outputs whole.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> write_atomically(out, {"a.txt": b"one", "b.txt": b"two"})
>>> sorted(p.name for p in out.iterdir()), (out / "b.txt").read_bytes()
(['a.txt', 'b.txt'], b'two')
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

__all__ = ["Content", "Staged", "flush_to_disk", "write_atomically"]

#: A file's content: its bytes, or a function that writes them to the path it is given (for
#: outputs too large to hold in memory, written by a library straight to disk).
Content = bytes | Callable[[Path], None]


def write_atomically(out_dir: Path, files: Mapping[str, Content], sync: bool = True) -> None:
    """Write every file to a temporary name first, then rename them all into place.

    ``sync=False`` skips flushing each file to disk before its rename: for outputs that are many
    small, regenerable files (a static site's pages), where a flush per file costs more than the
    rendering; each file still appears whole or not at all to a reader.
    """
    with Staged(out_dir, files) as staged:
        for name, content in files.items():
            staged.write(name, content, sync)
        staged.commit()


class Staged:
    """Temporary files in ``out_dir``, one per name, renamed into place together by :meth:`commit`;
    those not renamed are removed on leaving the ``with`` block (also on errors).

    :meth:`path` hands a file to a writer of its own (another process, which flushes it itself).

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with Staged(out, ["a.txt", "b.txt"]) as staged:
    ...     staged.write("a.txt", b"one")
    ...     _ = staged.path("b.txt").write_text("two")
    ...     staged.commit()
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt', 'b.txt']
    """

    def __init__(self, out_dir: Path, names: Iterable[str]) -> None:
        self.out_dir = out_dir
        self._paths: dict[str, Path] = {}
        self._handles: dict[str, int] = {}
        out_dir.mkdir(parents=True, exist_ok=True)
        # mkstemp makes files only their owner can read; outputs get the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        try:
            for name in names:
                handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
                self._paths[name], self._handles[name] = Path(temp_name), handle
                os.fchmod(handle, 0o666 & ~umask)
        except BaseException:
            self._remove()
            raise

    def path(self, name: str) -> Path:
        """``name``'s temporary file, for a writer that opens it itself."""
        handle = self._handles.pop(name, None)
        if handle is not None:
            os.close(handle)
        return self._paths[name]

    def write(self, name: str, content: Content, sync: bool = True) -> None:
        """Write ``content`` to ``name``'s temporary file (flushed to disk unless ``sync`` is false)."""
        if callable(content):
            content(self.path(name))
            if sync:
                flush_to_disk(self._paths[name])
            return
        with os.fdopen(self._handles.pop(name), "wb") as stream:
            stream.write(content)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())

    def commit(self) -> None:
        """Rename every file into place."""
        for name, temp in self._paths.items():
            os.replace(temp, self.out_dir / name)

    def _remove(self) -> None:
        for handle in self._handles.values():
            os.close(handle)
        self._handles.clear()
        for temp in self._paths.values():
            temp.unlink(missing_ok=True)

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *exc: object) -> None:
        self._remove()


def flush_to_disk(path: Path) -> None:
    """Have the file (or folder: its entries) at ``path`` written to disk, so that what comes after
    it, a rename above all, never survives a crash that it does not."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
