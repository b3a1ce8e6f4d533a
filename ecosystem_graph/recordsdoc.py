"""Render the record format (schema.py) as Markdown: ``docs/records.md`` is this output.

>>> "| `id` |" in records_markdown()
True
"""

from __future__ import annotations

from .records import describe_field
from .schema import DRAFTS_NOTE, LIMITS_NOTE, LIST_SEPARATOR_NOTE, PROJECT_FIELDS, REVIEW_FIELDS, TABLES, Field

__all__ = ["records_markdown"]


def _row(field: Field) -> str:
    need = "required" if field.required else "optional"
    return f"| `{field.name}` | {need} | {describe_field(field)} |"


def records_markdown() -> str:
    """The reference of every record file and field, generated from the schema."""
    lines = ["# Record files", "",
             "Generated from `ecosystem_graph/schema.py` by `python -m ecosystem_graph.recordsdoc`; "
             "a test keeps the two in step.", "", LIST_SEPARATOR_NOTE, "", LIMITS_NOTE, "",
             "## project.yaml", "", "Settings of the ecosystem.", "",
             "| field | | value |", "|---|---|---|", *(_row(f) for f in PROJECT_FIELDS), ""]
    for table in TABLES:
        where = table.file.replace("#", "`, list `")
        lines += [f"## {table.name}", "", f"`{where}`: {table.description}", "",
                  "| field | | value |", "|---|---|---|", *(_row(f) for f in table.fields), ""]
    lines += ["## Draft files", "", DRAFTS_NOTE, "", "Keys of a record's `review` block:", "",
              "| field | | value |", "|---|---|---|", *(_row(f) for f in REVIEW_FIELDS), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(records_markdown(), end="")
