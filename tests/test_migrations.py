"""Schema migrations on both backends: an upgraded empty database is exactly schema.py's tables, and a database
at a revision this version does not know, or behind, or unversioned, is refused with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from oncoguide.store import Store, migrate
from oncoguide.store.db import make_engine
from oncoguide.store.errors import SchemaError
from oncoguide.store.schema import Base


def test_upgrade_of_an_empty_database_gives_exactly_the_declared_tables(db_url: str) -> None:
    """A table or column added to schema.py without a migration fails here."""
    engine = make_engine(db_url)
    st = migrate.upgrade(engine)
    assert st.state == "ok" and st.current == migrate.head()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"schema.py and the migrations differ; add a revision: {diff}"
    assert set(st.tables) == set(Base.metadata.tables)
    engine.dispose()


def test_every_migration_goes_down_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    with engine.connect() as conn:
        assert [t for t in inspect(conn).get_table_names() if t != migrate.VERSION_TABLE] == []
    assert migrate.upgrade(engine).state == "ok"
    engine.dispose()


def test_store_creates_an_empty_sqlite_database_but_not_an_empty_postgresql_one(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        store = Store(db_url)
        assert migrate.status(store.engine).state == "ok"
        store.close()
    else:
        with pytest.raises(SchemaError, match=r"no OncoGuide tables yet: run `oncoguide db upgrade`"):
            Store(db_url)
        store = Store(db_url, migrate_empty=True)
        assert migrate.status(store.engine).state == "ok"
        store.close()


def test_a_database_at_an_unknown_revision_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'f00dcafe'"))
    with pytest.raises(SchemaError, match=r"revision f00dcafe, which this version of OncoGuide does not know"):
        Store(db_url)
    with pytest.raises(SchemaError, match="does not know"):
        migrate.upgrade(engine)  # never "upgrade" a database from the future
    engine.dispose()


def test_a_database_behind_is_refused_until_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, migrate.BASELINE)
    if migrate.head() == migrate.BASELINE:
        pytest.skip("only one revision so far")
    with pytest.raises(SchemaError, match=rf"at schema revision {migrate.BASELINE}; .* run `oncoguide db upgrade`"):
        Store(db_url)
    migrate.upgrade(engine)
    Store(db_url).close()
    engine.dispose()


def test_a_database_made_before_migrations_is_stamped_then_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, migrate.BASELINE)  # the baseline tables, as create_all made them before migrations
    with engine.begin() as conn:
        conn.execute(text(f"drop table {migrate.VERSION_TABLE}"))
    assert migrate.status(engine).state == "unversioned"
    with pytest.raises(SchemaError, match=r"has tables but no schema revision .* run `oncoguide db upgrade`"):
        Store(db_url)
    assert migrate.upgrade(engine).state == "ok"
    engine.dispose()


def test_a_database_with_other_applications_tables_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("create table invoices (id integer primary key)"))
    with pytest.raises(SchemaError, match=r"tables that are not OncoGuide's \(invoices\)"):
        migrate.upgrade(engine)
    engine.dispose()


def test_db_commands(tmp_path: Path) -> None:
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(tmp_path / "data")}
    env.pop("ONCOGUIDE_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "oncoguide.cli", "db", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    before = run("current")
    assert before.returncode == 1 and "revision none" in before.stdout and "oncoguide db upgrade" in before.stderr
    up = run("upgrade")
    assert up.returncode == 0 and f"-> {migrate.head()}" in up.stdout, up.stderr
    after = run("current")
    assert after.returncode == 0 and after.stdout.strip().endswith("ok")
    env["ONCOGUIDE_DATABASE_URL"] = "mysql://nobody@nowhere/x"
    bad = run("current")
    assert bad.returncode == 1 and "unsupported database 'mysql'" in bad.stderr
    env["ONCOGUIDE_DATABASE_URL"] = "not a url"
    assert "is not a database URL" in run("upgrade").stderr
