"""`oncoguide ingest | ask | profile | serve | bench`: a thin command line over the library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from oncoguide.config import Settings, get_settings

if TYPE_CHECKING:
    from oncoguide.records.model import Profile

err = Console(stderr=True)
CORPUS_DIR = Path(__file__).parent / "corpus" / "guides"


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    )


def build_index(settings: Settings, paths: list[Path]) -> int:
    """Ingest ``paths`` and bring the search index up to date. Returns the number of failed files."""
    from oncoguide.ingest.pipeline import expand, ingest
    from oncoguide.search.index import SearchIndex
    from oncoguide.store import Store

    store = Store(settings.db_url)
    files = expand(paths)
    with _progress() as bar:
        task = bar.add_task("ingesting", total=len(files))
        report = ingest(files, store, settings, lambda _p: bar.advance(task))
    for e in report.errors:
        err.print(f"[red]error[/red] {e}", highlight=False, soft_wrap=True)
    err.print(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.errors)} failed; {report.passages} new passages", highlight=False,
    )
    with _progress() as bar:
        task = bar.add_task("embedding new passages", total=None)
        index = SearchIndex.open(store, settings, lambda done, total: bar.update(task, completed=done, total=total))
    err.print(f"index ready: {len(index.passages)} passages, corpus version {index.version}", highlight=False)
    return len(report.errors)


class _Main(click.Group):
    """Store errors (bad URL, unreachable database, schema not migrated) end the command with their message."""

    def invoke(self, ctx: click.Context) -> object:
        from oncoguide.store.errors import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Main)
@click.version_option(package_name="oncoguide")
def main() -> None:
    """OncoGuide: plain-language cancer answers grounded in the guideline documents it holds."""


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--shipped/--no-shipped", default=None, help="Also ingest the shipped corpus (default: when no PATH).")
def ingest_cmd(paths: tuple[Path, ...], shipped: bool | None) -> None:
    """Ingest guideline files or folders (Markdown, PDF, HTML, text, MedQuAD/PDQ XML) and update the index."""
    todo = list(paths)
    if shipped or (shipped is None and not todo):
        todo.insert(0, CORPUS_DIR)
    failed = build_index(get_settings(), todo)
    sys.exit(1 if failed else 0)


@main.command("ask")
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--record", "records", multiple=True, type=click.Path(path_type=Path),
              help="A record file (repeatable): personalise the answer to the profile read from it.")
def ask_cmd(question: tuple[str, ...], as_json: bool, records: tuple[Path, ...]) -> None:
    """Answer a question from the ingested guides."""
    from oncoguide.answer.engine import AnswerEngine
    from oncoguide.render import answer_text

    settings = get_settings()
    engine = AnswerEngine(settings)
    if not engine.index.passages:
        raise click.ClickException("no guides ingested yet: run `oncoguide ingest` first")
    try:
        profile = read_profile(records)[0] if records else None
        answer = engine.ask(" ".join(question), profile=profile)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(answer.model_dump_json(indent=2) if as_json else answer_text(answer))


def read_profile(files: tuple[Path, ...]) -> tuple[Profile, int]:
    """Read record files into one profile; bad files are reported one line each and skipped."""
    from oncoguide.records.model import RecordError
    from oncoguide.records.profile import build_profile
    from oncoguide.records.read import read_record

    docs, failed = [], 0
    for path in files:
        try:
            docs.append(read_record(path.name, path.read_bytes(), settings=get_settings()))
        except (OSError, RecordError) as exc:
            failed += 1
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            err.print(f"[red]error[/red] {path}: {reason}", highlight=False, soft_wrap=True)
    return build_profile(docs), failed


@main.command("profile")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
@click.option("--summary", is_flag=True, help="Also explain the diagnosis from the guides.")
def profile_cmd(files: tuple[Path, ...], as_json: bool, summary: bool) -> None:
    """Read records (PDF, text, FHIR JSON, HL7 v2) into a diagnosis profile with evidence for every value."""
    from oncoguide.render import answer_text, profile_text

    profile, failed = read_profile(files)
    if failed == len(files):
        sys.exit(1)
    click.echo(profile.model_dump_json(indent=2) if as_json else profile_text(profile))
    if summary:
        from oncoguide.answer.engine import AnswerEngine

        click.echo("\n" + answer_text(AnswerEngine(get_settings()).diagnosis_summary(profile)))
    sys.exit(1 if failed else 0)


@main.command("serve")
@click.option("--host", default=None, help="Bind address (default from settings: 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default from settings: 8000).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; they share all state through the database.")
@click.option("--reindex/--no-reindex", default=None,
              help="Ingest the shipped corpus first if it changed (default: with SQLite only; with PostgreSQL run "
              "`oncoguide ingest` once per release instead of on every replica).")
def serve_cmd(host: str | None, port: int | None, workers: int, reindex: bool | None) -> None:
    """Serve the web app and the JSON API."""
    import uvicorn

    from oncoguide.logs import configure
    from oncoguide.store import Store
    from oncoguide.store.crypto import Cipher
    from oncoguide.web.serving import APP, Workers

    # before anything loads the embedder or numpy: a web worker's parallelism is its requests (see oncoguide.web)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    settings = get_settings()
    store = Store(settings.db_url)  # refuses, with the command to run, a database that is not migrated
    if reindex or (reindex is None and store.backend == "sqlite"):
        build_index(settings, [CORPUS_DIR])
    store.close()
    Cipher.from_settings(settings)  # make the generated key file (if any) once, before the workers start
    configure()
    # uvicorn's access log prints full URLs (questions are in them): OncoGuide logs route templates instead.
    options: dict[str, Any] = {"log_level": "info", "access_log": False, "server_header": False,
                               "proxy_headers": bool(settings.server.trusted_proxies),
                               "forwarded_allow_ips": settings.server.trusted_proxies or ""}
    host, port = host or settings.server.host, port or settings.server.port
    if workers == 1:
        uvicorn.run(APP, factory=True, host=host, port=port, **options)
        return
    # several workers: each its own SO_REUSEPORT socket, so the kernel spreads connections over them (uvicorn's
    # --workers shares one socket, and one worker's accept() takes a whole burst of connections)
    try:
        status = Workers(host, port, workers, options).run()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sys.exit(status)


@main.group("db")
def db_cmd() -> None:
    """The database schema: where it stands and migrating it (Alembic revisions shipped with OncoGuide)."""


@db_cmd.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Revision to migrate to.")
def db_upgrade_cmd(revision: str) -> None:
    """Create or migrate the database at ONCOGUIDE_DATABASE_URL (back it up first)."""
    from oncoguide.store import migrate
    from oncoguide.store.db import describe, make_engine

    engine = make_engine(get_settings().db_url)
    before = migrate.status(engine).current
    after = migrate.upgrade(engine, revision)
    click.echo(f"{describe(engine)}: {before or 'no revision'} -> {after.current} (head {after.head})")


@db_cmd.command("current")
def db_current_cmd() -> None:
    """Print the database's schema revision and whether it is the one this OncoGuide needs (exit 1 if not)."""
    from oncoguide.store import migrate
    from oncoguide.store.db import describe, make_engine

    engine = make_engine(get_settings().db_url)
    st = migrate.status(engine)
    click.echo(f"{describe(engine)}: revision {st.current or 'none'}, head {st.head}, {st.state}")
    if st.state != "ok":
        click.echo(migrate.explain(st, describe(engine)), err=True)
        sys.exit(1)


@main.group("records")
def records_group() -> None:
    """Stored records and profiles (encrypted at rest)."""


@records_group.command("rekey")
def rekey_cmd() -> None:
    """Re-encrypt every record and profile with the current key (after a key rotation: set the new
    ONCOGUIDE_SECRET_KEY and list the old one in ONCOGUIDE_OLD_SECRET_KEYS, run this, then drop the old key)."""
    from oncoguide.store import Store
    from oncoguide.store.crypto import Cipher
    from oncoguide.store.records import RecordStore

    settings = get_settings()
    done = RecordStore(Store(settings.db_url), Cipher.from_settings(settings)).rekey()
    err.print(f"re-encrypted {done} blobs with the current key", highlight=False)


@main.group("corpus")
def corpus_group() -> None:
    """The shipped guides."""


@corpus_group.command("stale")
@click.option("--before", "before", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="List sections last reviewed before this date (YYYY-MM-DD).")
@click.option("--folder", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Guide folder (default: the shipped guides).")
def corpus_stale_cmd(before: object, folder: Path | None) -> None:
    """List guide sections whose last_reviewed date is before DATE."""
    from oncoguide.corpus.stale import stale_sections

    found = stale_sections(before.date(), folder or CORPUS_DIR)  # type: ignore[attr-defined]
    for s in found:
        click.echo(f"{s.guide}\t{s.last_reviewed or 'never'}\t{s.heading}")
    err.print(f"{len(found)} stale sections", highlight=False)


@main.command("bench")
def bench_cmd() -> None:
    """Run the benchmarks in bench/ (from a source checkout)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / "run.py").exists():
        raise click.ClickException("bench/ is only in a source checkout")
    sys.exit(subprocess.call([sys.executable, "-m", "bench.run"], cwd=root))


if __name__ == "__main__":
    main()
