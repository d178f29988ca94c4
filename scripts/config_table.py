"""Print the README's configuration table from the settings model (the one source of truth), or check it.

Usage: .venv/bin/python scripts/config_table.py [--check README.md | --write README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from oncoguide.config import Settings

BEGIN, END = "<!-- config-table:begin -->", "<!-- config-table:end -->"


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None or field.default is None:
        return "—"
    value = field.default
    return f"`{value}`" if not isinstance(value, bool) else f"`{str(value).lower()}`"


def rows(model: type[BaseModel] = Settings, prefix: str = "ONCOGUIDE_") -> list[str]:
    """One Markdown row per leaf setting: variable, default, meaning."""
    out = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out += rows(kind, f"{prefix}{name.upper()}__")
            continue
        meaning = (field.description or "").replace("|", "\\|").replace("\n", " ")
        out.append(f"| `{prefix}{name.upper()}` | {_default(field)} | {meaning} |")
    return out


def table() -> str:
    return "\n".join([BEGIN, "| variable | default | meaning |", "|---|---|---|", *rows(), END])


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("--check", "--write"):
        print(table())
        return
    path = Path(sys.argv[2])
    text = path.read_text()
    start, end = text.find(BEGIN), text.find(END) + len(END)
    if start < 0 or end < len(END):
        sys.exit(f"{path}: no {BEGIN} ... {END} markers")
    if sys.argv[1] == "--write":
        path.write_text(text[:start] + table() + text[end:])
    elif text[start:end] != table():
        sys.exit(f"{path}: the configuration table is out of date; run scripts/config_table.py --write {path}")


if __name__ == "__main__":
    main()
