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
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["Content", "write_atomically"]

#: A file's content: its bytes, or a function that writes them to the path it is given (for
#: outputs too large to hold in memory, written by a library straight to disk).
Content = bytes | Callable[[Path], None]


def write_atomically(out_dir: Path, files: Mapping[str, Content], sync: bool = True) -> None:
    """Write every file to a temporary name first, then rename them all into place.

    ``sync=False`` skips flushing each file to disk before its rename: for outputs that are many
    small, regenerable files (a static site's pages), where a flush per file costs more than the
    rendering; each file still appears whole or not at all to a reader.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    # mkstemp makes files only their owner can read; outputs get the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    try:
        for name, content in files.items():
            handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
            os.fchmod(handle, 0o666 & ~umask)
            staged.append((name, Path(temp_name)))
            with os.fdopen(handle, "wb") as stream:
                if callable(content):
                    content(Path(temp_name))
                else:
                    stream.write(content)
                    stream.flush()
                if sync:
                    os.fsync(stream.fileno())
        for name, temp in staged:
            os.replace(temp, out_dir / name)
    finally:
        for _, temp in staged:
            temp.unlink(missing_ok=True)
