"""The one PDF text reader (pypdf) for records and guides, with limits on hostile files.

Limits: a compressed stream may unpack to at most ``STREAM_MAX`` bytes, the pages' content (drawing
instructions) to at most ``CONTENT_MAX`` bytes in all, at most ``max_pages`` pages, and the text extraction to a
CPU budget (``CpuBudget``, shared by every file of one request). pypdf's text extraction is superlinear in the
size of one content stream, so the budget is checked while a page is read (at every drawing operator), not only
between pages. Every refusal is a ``PdfError`` saying why, never quoting the content.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field

logging.getLogger("pypdf").setLevel(logging.ERROR)
STREAM_MAX = 16 * 2**20  # bytes one compressed PDF stream may unpack to
CONTENT_MAX = 32 * 2**20  # bytes of page content read from one PDF in all


class PdfError(ValueError):
    """A PDF that was not read; the message is the reason (no file name, no content)."""


class PdfLocked(PdfError):
    """The PDF needs a password to open."""


class BudgetExceeded(PdfError):
    """The CPU budget of the request ran out while reading."""


@dataclass
class CpuBudget:
    """Seconds of CPU this thread may spend (``time.thread_time``); one per request, shared by its files."""

    seconds: float
    started: float = field(default_factory=time.thread_time)

    @property
    def used(self) -> float:
        return time.thread_time() - self.started

    @property
    def left(self) -> float:
        return self.seconds - self.used

    def check(self) -> None:
        if self.used > self.seconds:
            raise BudgetExceeded(f"reading it took more than the {self.seconds:g} s of processing time one upload "
                                 "may use (a very large or unusual PDF?); upload it on its own or as text")


@dataclass(frozen=True)
class PdfText:
    pages: list[str]  # text of each page, stripped, in order
    title: str = ""
    author: str = ""


def read_pdf(data: bytes, max_pages: int = 10_000, budget: CpuBudget | None = None,
             content_max: int = CONTENT_MAX) -> PdfText:
    """The text of each page of ``data``. Raises PdfError (password, too many pages, bomb, budget, broken)."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, LimitReachedError, PyPdfError

    budget = budget or CpuBudget(float("inf"))
    ticks = [0]

    def tick(*_: object) -> None:  # called by pypdf before each drawing operator
        ticks[0] += 1
        if ticks[0] % 256 == 0:
            budget.check()

    try:
        with apply_configuration(zlib_maximum_output_length=STREAM_MAX, lzw_maximum_output_length=STREAM_MAX,
                                 run_length_maximum_output_length=STREAM_MAX):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):  # restrictions only (no open password) are fine
                raise PdfLocked("the PDF is password-protected; save an unprotected copy")
            if len(reader.pages) > max_pages:
                raise PdfError(f"{len(reader.pages)} pages; the limit is {max_pages}")
            texts, left = [], content_max
            for page in reader.pages:
                budget.check()
                contents = page.get_contents()
                left -= len(contents.get_data()) if contents is not None else 0
                if left < 0:
                    raise LimitReachedError("page contents over budget")
                texts.append((page.extract_text(visitor_operand_before=tick) or "").strip())
            budget.check()
            info = reader.metadata
            title = str(info.title).strip() if info and info.title else ""
            author = str(info.author).strip() if info and info.author else ""
    except PdfError:
        raise
    except LimitReachedError as exc:
        raise PdfError(f"the PDF expands to more than {content_max // 2**20} MiB of page content when unpacked "
                       "(a 'PDF bomb'?); it was not read") from exc
    except (PyPdfError, DependencyError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError,
            MemoryError, IndexError, ArithmeticError, NotImplementedError, AssertionError) as exc:  # a broken file
        raise PdfError("not a readable PDF (damaged, incomplete or an unsupported variant)") from exc
    return PdfText(pages=texts, title=title, author=author)
