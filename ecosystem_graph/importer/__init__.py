"""Importing real data sets: a declarative mapping from input files to record files.

The stages, one module each: :mod:`.spec` reads the mapping, :mod:`.inputs` the input files,
:mod:`.engine` makes the rows of each record table (with :mod:`.places` for geocoding), :mod:`.merge`
compares them with the data folder and writes them, :mod:`.report` summarises what happened and
:mod:`.guess` proposes a mapping for a spreadsheet that has none. ``docs/import.md`` is the guide.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "orgs.csv").write_text("name,kind,town,nation\\nAcme Labs,Company,Lyon,FR\\n")
>>> mapping = folder / "mapping.yaml"
>>> _ = mapping.write_text('''
... source: {id: acme-list, title: Our partner list, kind: dataset}
... inputs: {orgs: orgs.csv}
... tables:
...   organizations:
...     from: orgs
...     fields:
...       label: name
...       type: {column: kind, ref: organization-types, create: true}
...       city: {geocode: {city: town, country: nation}}
...       country: {country: nation}
... ''')
>>> report = run_import(folder, mapping, folder / "data")
>>> report.tables["organizations"].added
['acme-labs']
>>> (folder / "data" / "organizations.csv").read_text().splitlines()[1]
'acme-labs,Acme Labs,company,lyon-fr,france,acme-list,acme-list:Acme Labs'
"""

from __future__ import annotations

from pathlib import Path

from .engine import Importer
from .existing import ExistingData
from .merge import compare, write_changes
from .report import ImportReport
from .spec import MappingError, MappingSpec, load_mapping, parse_mapping

__all__ = ["ImportReport", "MappingError", "MappingSpec", "load_mapping", "parse_mapping", "run_import"]


def run_import(source: str | Path, mapping: str | Path | MappingSpec, out: str | Path,
               dry_run: bool = False) -> ImportReport:
    """Import the inputs under ``source`` (a folder, or the one input file) into the data folder ``out``.

    Records made by an earlier run of the same mapping are updated in place; the analyst's own rows
    and the fields the mapping does not compute are kept. With ``dry_run`` nothing is written. Problems
    with input rows raise :class:`~ecosystem_graph.importer.report.ImportProblems` (nothing written).
    """
    spec = mapping if isinstance(mapping, MappingSpec) else load_mapping(mapping)
    folder = Path(out)
    existing = ExistingData.read(folder)
    made = Importer(spec, Path(source), existing).run()
    report = ImportReport.of(made, spec)
    report.raise_for_problems()
    changes = compare(existing, made.tables, spec.source_id)
    report.add_changes(changes)
    if not dry_run:
        write_changes(changes)
    return report
