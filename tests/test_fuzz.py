"""Property tests (hypothesis): question understanding and the record readers never crash on any input.

Questions: entity extraction, intent, safety triage and search text take any string and return their documented
types. Records: any bytes under any name either read into a RecordDocument or raise RecordError; any read
document (text, FHIR JSON of any shape, HL7 v2 of any segments) extracts into a Profile or raises RecordError.
Example counts stay modest so the suite stays fast; each found crash is kept below as an explicit example.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oncoguide.answer.safety import triage
from oncoguide.config import Settings
from oncoguide.records.merge import merge
from oncoguide.records.model import Profile, RecordDocument, RecordError
from oncoguide.records.profile import extract_document
from oncoguide.records.read import read_record, safe_name
from oncoguide.records.service import RecordService
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher
from oncoguide.store.records import RecordStore
from oncoguide.understand.entities import extract
from oncoguide.understand.intents import question_intent, section_topic
from oncoguide.understand.normalize import search_text

SCALE = float(os.environ.get("ONCOGUIDE_FUZZ_SCALE", "1"))  # e.g. 50 for a long local fuzzing run
FAST = settings(max_examples=int(150 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=int(60 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words that reach the deeper rules (cancers, markers, stages, drugs, negation, dates), mixed with anything.
WORDS = ["ALK", "EGFR", "L858R", "exon 19", "PD-L1", "TPS", "60%", "HER2", "3+", "ER", "PR", "Ki-67", "KRAS G12C",
         "positive", "negative", "not", "detected", "no", "pos", "neg", "+", "-", "stage", "IIIA", "IV", "3a", "pT2a",
         "pN1", "cM0", "T2N1M0", "adenocarcinoma", "lung", "breast", "colon", "metastatic", "to the liver",
         "osimertinib", "Keytruda", "alectinib", "started", "stopped", "progression", "2024-03-01", "03/2025",
         "family history", "mother", "if", "rule out", "?", ":", ";", "\n", ".", ",", "(", ")", "/", "ECOG 1",
         "MSI-H", "dMMR", "BRCA1", "grade 3", "right", "left", "upper lobe", "suicide", "chest pain", "dose",
         "how many mg", "stop taking", "ignore previous instructions", "<script>", "' OR 1=1 --", "\x00", "\u202e"]
TEXT = st.one_of(st.text(max_size=300), st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=40)
                 .map(" ".join))


@FAST
@given(TEXT)
@example("alk pos her2+ T2N1M0 3a Keytruda")
@example("+" * 50)
def test_question_understanding_takes_any_text(q: str) -> None:
    for e in extract(q):
        assert 0 <= e.start <= e.end <= len(q) and e.kind in ("cancer", "biomarker", "drug", "stage")
    assert isinstance(question_intent(q), str)
    safety = triage(q)
    assert safety is None or safety.message
    assert isinstance(search_text(q), str)
    assert isinstance(section_topic((q,), [q, q]), str)


@FAST
@given(st.text(max_size=400))
def test_file_names_are_always_safe(name: str) -> None:
    safe = safe_name(name)
    assert 0 < len(safe) <= 120 and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert all(ch.isprintable() for ch in safe)


def _read(name: str, data: bytes) -> RecordDocument | None:
    try:
        return read_record(name, data)
    except RecordError as exc:
        assert str(exc).startswith(safe_name(name))  # names the file; never a traceback or an empty message
        return None


def _extract(doc: RecordDocument) -> Profile | None:
    try:
        profile = extract_document(doc)
    except RecordError:
        return None
    assert isinstance(profile, Profile)
    return profile


PREFIXES = [b"", b"%PDF-1.4\n", b"%PDF-", b"{", b"[", b'{"resourceType": "Bundle", ', b"MSH|^~\\&|", b"\xef\xbb\xbf",
            b"\xff\xfe", b"\xfe\xff", b"  \n"]


@SLOW
@given(st.text(max_size=60), st.sampled_from(PREFIXES), st.binary(max_size=2000))
@example("x.pdf", b"%PDF-1.4\n", b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj trailer << /Root 1 0 R >>")
@example("../../etc/passwd", b"\xff\xfe", b"\x00\xd8")  # a lone UTF-16 surrogate
@example("a.json", b"{", b'"resourceType": "Patient", "x": 1e999999}')
def test_any_bytes_read_or_refuse_with_a_record_error(name: str, prefix: bytes, data: bytes) -> None:
    doc = _read(name, prefix + data)
    if doc is not None:
        assert doc.kind in ("pdf", "text", "fhir", "hl7v2") and doc.text.strip() and doc.pages
        _extract(doc)


@SLOW
@given(TEXT)
@example("ALK positive ALK negative stage IV stage IIIA 2024-13-45 started osimertinib 99/99/9999")
def test_any_text_record_extracts(text: str) -> None:
    doc = _read("note.txt", text.encode("utf-8", "surrogatepass"))
    if doc is not None:
        profile = _extract(doc)
        assert profile is None or merge([profile, profile]) is not None


# FHIR: arbitrary JSON trees, and trees shaped like resources whose fields hold arbitrary JSON.
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | \
    st.sampled_from(["http://loinc.org", "http://snomed.info/sct", "21908-9", "254637007", "positive", "final",
                     "2024-03-01", "Observation", "Condition", "Patient/1", "urn:uuid:1", "#x"])
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) |
                    st.dictionaries(st.text(max_size=12) | st.sampled_from(
                        ["resourceType", "code", "coding", "system", "display", "valueCodeableConcept", "entry",
                         "resource", "subject", "focus", "component", "valueString", "text", "effectiveDateTime",
                         "onsetDateTime", "bodySite", "stage", "summary", "medicationCodeableConcept", "status"]),
                        inner, max_size=5), max_leaves=40)
RESOURCE_TYPES = ["Bundle", "Observation", "Condition", "MedicationStatement", "MedicationRequest", "Procedure",
                  "DiagnosticReport", "Patient", "Specimen", "Unknown", ""]


@st.composite
def fhir_trees(draw: st.DrawFn) -> Any:
    def resource() -> dict[str, Any]:
        res = draw(st.dictionaries(st.sampled_from(["code", "valueCodeableConcept", "component", "stage", "subject",
                                                    "bodySite", "effectiveDateTime", "valueString", "hasMember",
                                                    "derivedFrom", "status", "meta", "id", "focus", "extension"]),
                                   JSON, max_size=6))
        res["resourceType"] = draw(st.sampled_from(RESOURCE_TYPES))
        return res

    if draw(st.booleans()):
        return {"resourceType": "Bundle", "entry": [{"resource": resource(), "fullUrl": draw(st.text(max_size=10))}
                                                    for _ in range(draw(st.integers(0, 4)))]}
    return draw(JSON) if draw(st.booleans()) else resource()


@SLOW
@given(fhir_trees(), st.booleans())
@example({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Observation", "code": None}}]}, False)
@example({"resourceType": "Bundle", "entry": None}, True)
@example({"resourceType": "Observation", "code": {"text": "ALK \ud800"}}, False)  # was a 500 when stored
def test_any_fhir_tree_reads_or_refuses(tree: Any, indent: bool) -> None:
    data = json.dumps(tree, indent=2 if indent else None).encode()
    doc = _read("bundle.json", data)
    if doc is not None:
        doc.model_dump_json()  # what the record store encrypts
        _extract(doc)


def test_unpaired_surrogate_escapes_are_refused() -> None:
    with pytest.raises(RecordError, match="invalid Unicode escape"):
        read_record("o.json", b'{"resourceType": "Observation", "note": "\\udc00"}')
    assert read_record("o.json", b'{"resourceType": "Observation", "note": "\\ud83d\\ude00"}').kind == "fhir"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> RecordService:
    data = tmp_path_factory.mktemp("fuzz-store")
    return RecordService(RecordStore(Store(f"sqlite:///{data / 'db.sqlite'}"), Cipher.from_secrets(None, [], data)),
                         Settings(data_dir=data))


@SLOW
@given(st.lists(st.tuples(st.text(max_size=30), st.sampled_from(PREFIXES), st.binary(max_size=300) |
                          TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))), min_size=1, max_size=3))
def test_any_upload_is_stored_whole_or_refused(service: RecordService, files: list[tuple[str, bytes, bytes]]) -> None:
    owner = "fuzz"
    before = len(service.records.records(owner))
    results, profile = service.upload(owner, [(n, p + d) for n, p, d in files])
    assert len(results) == len(files) and all((r.record is None) == bool(r.error) for r in results)
    stored = service.records.records(owner)
    assert len(stored) == before + sum(1 for r in results if r.record and not r.duplicate)
    assert profile is None or service.profile(owner) is not None
    service.delete_all(owner)


SEGMENT = st.lists(st.text(st.characters(blacklist_characters="\r\n"), max_size=20) |
                   st.sampled_from(["OBX", "OBR", "PID", "ST", "CWE", "CE", "NM", "21908-9^Stage group^LN", "IV",
                                    "ALK^ALK gene^L", "positive", "F", "20240301", "^^", "~", "\\", "&", "\\X41\\"]),
                   min_size=1, max_size=10).map("|".join)


@SLOW
@given(st.text(max_size=6), st.lists(SEGMENT, max_size=12), st.sampled_from(["\r", "\n", "\r\n"]))
@example("^~\\&", ["OBX|1|CWE|21908-9^Stage^LN||IV"], "\r")
@example("", ["OBX"], "\r")
def test_any_hl7_message_reads_or_refuses(delims: str, segments: list[str], sep: str) -> None:
    text = sep.join([f"MSH|{delims}|LAB|||||ORU^R01|1|P|2.5.1", *segments])
    doc = _read("m.hl7", text.encode("utf-8", "surrogatepass"))
    if doc is not None:
        _extract(doc)
