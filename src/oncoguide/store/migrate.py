"""Schema migrations (Alembic, shipped in ``store/migrations``): where a database stands and bringing it up.

Policy: an empty SQLite database is created at the newest revision on first use, so the embedded default needs
no setup; anything else (PostgreSQL, or a database at an older or unknown revision) is migrated only by
``oncoguide db upgrade``, and the app refuses to start until it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from oncoguide.store.errors import SchemaError, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"  # the tables as they were before migrations existed (databases made by create_all)
VERSION_TABLE = "alembic_version"
UPGRADE_HINT = "run `oncoguide db upgrade` (back the database up first)"


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands: ``current`` (its revision or None), ``head`` and a one-word ``state``:
    ``ok`` | ``empty`` (no tables) | ``behind`` | ``unknown`` (a revision this version does not ship) |
    ``unversioned`` (tables without a revision: made before migrations existed, or not OncoGuide's)."""

    current: str | None
    head: str
    state: str
    tables: tuple[str, ...]


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision this version of OncoGuide ships."""
    heads = ScriptDirectory.from_config(_config()).get_heads()
    if len(heads) != 1:
        raise SchemaError(f"the shipped migrations have {len(heads)} heads ({', '.join(heads)}); expected one")
    return heads[0]


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def status(engine: Engine) -> SchemaStatus:
    """Where ``engine``'s database stands relative to the shipped migrations."""
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            tables = tuple(sorted(t for t in inspect(conn).get_table_names() if t != VERSION_TABLE))
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"cannot open the database {where}: {str(exc.orig).strip()}") from exc
    top = head()
    if current is None:
        state = "unversioned" if tables else "empty"
    elif current == top:
        state = "ok"
    else:
        state = "behind" if current in known_revisions() else "unknown"
    return SchemaStatus(current, top, state, tables)


def explain(st: SchemaStatus, where: str) -> str:
    """The operator's message for a database that cannot be used as it is."""
    if st.state == "empty":
        return f"the database {where} has no OncoGuide tables yet: {UPGRADE_HINT}"
    if st.state == "behind":
        return (f"the database {where} is at schema revision {st.current}; this OncoGuide needs {st.head}: "
                f"{UPGRADE_HINT}")
    if st.state == "unknown":
        return (f"the database {where} is at schema revision {st.current}, which this version of OncoGuide does not "
                f"know (its newest is {st.head}): it was migrated by a newer OncoGuide, or it is another application's "
                "database. Run the matching OncoGuide version, or point ONCOGUIDE_DATABASE_URL elsewhere")
    if st.state == "unversioned":
        return (f"the database {where} has tables but no schema revision (made before migrations existed): "
                f"{UPGRADE_HINT}")
    return f"the database {where} is at schema revision {st.current} (up to date)"


def ensure(engine: Engine, where: str, auto: bool) -> None:
    """Raise SchemaError unless the database is at the newest revision; ``auto`` creates an empty one."""
    st = status(engine)
    if st.state == "empty" and auto:
        upgrade(engine)
    elif st.state != "ok":
        raise SchemaError(explain(st, where))


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Migrate to ``revision``. A database made before migrations (the baseline tables, no revision) is
    stamped at the baseline first; a database holding other tables and no revision is refused."""
    st = status(engine)
    if st.state == "unknown":
        raise SchemaError(explain(st, engine.url.render_as_string(hide_password=True)))
    with engine.begin() as conn:
        cfg = _config(conn)
        if st.state == "unversioned":
            baseline = baseline_tables()
            if not baseline <= set(st.tables):
                raise SchemaError(
                    "the database holds tables that are not OncoGuide's "
                    f"({', '.join(sorted(set(st.tables) - baseline)) or ', '.join(st.tables)}) and no schema "
                    "revision: use an empty database")
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)
    return status(engine)


def downgrade(engine: Engine, revision: str) -> SchemaStatus:
    """Migrate down to ``revision`` (``base``: no tables). Data in dropped tables is lost."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)
    return status(engine)


def baseline_tables() -> set[str]:
    """The tables of the baseline revision (what ``create_all`` made before migrations existed)."""
    script = ScriptDirectory.from_config(_config()).get_revision(BASELINE)
    if script is None or script.module is None:  # pragma: no cover - a broken install
        raise SchemaError(f"the baseline migration {BASELINE} is missing")
    return set(script.module.TABLES)
