"""Records to profile: one extractor per record kind, then one profile merged across documents."""

from __future__ import annotations

from collections.abc import Sequence

from oncoguide.records.model import Profile, RecordDocument


def extract_document(doc: RecordDocument) -> Profile:
    """The profile one document supports on its own."""
    if doc.kind == "fhir":
        from oncoguide.records.fhir import extract_fhir

        return extract_fhir(doc)
    if doc.kind == "hl7v2":
        from oncoguide.records.hl7v2 import extract_hl7v2

        return extract_hl7v2(doc)
    from oncoguide.records.text_extract import extract_text

    return extract_text(doc)


def build_profile(docs: Sequence[RecordDocument]) -> Profile:
    """One profile from several documents (merge rules: see ``merge``)."""
    from oncoguide.records.merge import merge

    return merge([extract_document(d) for d in docs])


def warm() -> None:
    """Build the record readers' tables (vocabulary, lexicon, section and context rules) now, at server start, so
    the first upload is not slower than the rest."""
    from oncoguide.records.read import read_record

    extract_document(read_record("warm.txt", b"FINAL DIAGNOSIS: lung adenocarcinoma, ALK positive, stage IIIA."))
