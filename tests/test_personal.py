"""Answers with a diagnosis profile: steered to the person's situation, saying which facts shaped them."""

from __future__ import annotations

from oncoguide.answer.engine import AnswerEngine
from oncoguide.records.model import Biomarker, Profile, Stage, Treatment
from profiles import alk_progressed


def test_profile_facts_are_stated_and_the_answer_is_marked(engine: AnswerEngine) -> None:
    answer = engine.ask("What are my treatment options now?", profile=alk_progressed())
    assert answer.profile_used is not None
    statement = str(answer.profile_used["statement"])
    assert statement.startswith("Your records show ALK-positive (EML4) stage IV adenocarcinoma of the lung")
    assert "lorlatinib since September 2025" in statement and "alectinib" in statement


def test_progression_steers_to_what_guides_list_next(engine: AnswerEngine) -> None:
    plain = engine.ask("What are my treatment options now?")
    mine = engine.ask("What are my treatment options now?", profile=alk_progressed())
    assert mine.intent == "resistance" and plain.intent == "treatment"
    sections = [" > ".join(c.section) for c in mine.citations.values()]
    assert any("stop working" in s for s in sections), sections
    body = " ".join(s.text for s in mine.body_sentences())
    assert "lorlatinib" in body
    # someone with stage IV is not quoted the after-surgery approval for stages IB to IIIA
    assert "IB to IIIA" not in body
    assert mine.verification.removed == 0 and mine.verification.sentences == mine.verification.supported


def test_records_raise_their_own_questions(engine: AnswerEngine) -> None:
    answer = engine.ask("What are my treatment options now?", profile=alk_progressed())
    first = answer.questions_to_ask[0]
    assert first.fixed and "PD-L1 as pending" in first.text
    assert len(answer.questions_to_ask) <= 6


def test_a_question_naming_its_own_subject_is_not_rewritten(engine: AnswerEngine) -> None:
    plain = engine.ask("What are the side effects of osimertinib?")
    mine = engine.ask("What are the side effects of osimertinib?", profile=alk_progressed())
    assert [s.text for s in mine.body_sentences()] == [s.text for s in plain.body_sentences()]
    assert mine.profile_used is not None  # still says a profile was loaded


def test_cache_keeps_profiles_apart(engine: AnswerEngine) -> None:
    a = engine.ask("What are my treatment options now?", profile=alk_progressed())
    b = engine.ask("What are my treatment options now?")
    assert a.profile_used is not None and b.profile_used is None


def test_diagnosis_summary(engine: AnswerEngine) -> None:
    answer = engine.diagnosis_summary(alk_progressed())
    headings = [s.heading for s in answer.sections]
    assert headings[:2] == ["What your ALK result means", "What stage IV means"], headings
    assert headings[-1] == "Your treatment history (from your records)"
    timeline = [s.text for s in answer.sections[-1].sentences]
    assert timeline == [
        "March 2024 to September 2025: alectinib (targeted), stopped because the cancer grew.",
        "September 2025 to now: lorlatinib (targeted), ongoing.",
    ]
    alk = " ".join(s.text for s in answer.sections[0].sentences)
    assert "ALK" in alk and all(s.citations for s in answer.sections[0].sentences)
    assert answer.sources and answer.verification.removed == 0


def test_a_sentence_about_a_marker_state_the_records_rule_out_is_not_the_persons() -> None:
    """HER2 drugs are not quoted as the situation of someone whose HER2 is negative; HER2-low sentences are, when
    theirs is low; another EGFR variant than theirs is not."""
    from oncoguide.answer.personal import contradicts_markers
    from profiles import ev

    def person(*markers: tuple[str, str, str | None]) -> Profile:
        return Profile(biomarkers=[Biomarker(name=n, result=r, detail=d, evidence=ev(n), confidence=0.9)
                                   for n, r, d in markers])

    her2_zero = person(("HER2", "negative", None))
    her2_low = person(("HER2", "negative", "low"))
    egfr19 = person(("EGFR", "positive", "exon 19 deletion"))
    assert contradicts_markers(her2_zero, "Trastuzumab (Herceptin) is a HER2 drug for breast cancer.")
    assert not contradicts_markers(her2_zero, "HER2-negative breast cancer is treated with hormone therapy.")
    assert contradicts_markers(her2_zero, "HER2-low breast cancer has an IHC score of 1+.")
    assert not contradicts_markers(her2_low, "HER2-low breast cancer has an IHC score of 1+.")
    assert not contradicts_markers(egfr19, "Osimertinib is for lung cancer with an EGFR exon 19 deletion.")
    assert contradicts_markers(egfr19, "Amivantamab is for lung cancer with an EGFR exon 20 insertion.")
    assert not contradicts_markers(person(), "Trastuzumab (Herceptin) is a HER2 drug for breast cancer.")
    # variants named anywhere in the sentence, plural or not, by any of their names
    assert contradicts_markers(egfr19, "Sources say exon 20 insertions are about 1 to 12 in 100 EGFR mutations.")
    assert not contradicts_markers(egfr19, "Exon 19 deletions and L858R are the common EGFR mutations in lung cancer.")
    assert not contradicts_markers(person(("EGFR", "positive", "ex19del")),
                                   "Osimertinib is for lung cancer with an EGFR exon 19 deletion.")


def test_variant_names() -> None:
    from oncoguide.answer.personal import same_variant, variants_named

    assert same_variant("ex19del", "exon 19 deletion") and same_variant("L858R", "exon 21 L858R")
    assert not same_variant("G12C", "G12D") and not same_variant("exon 20 insertion", "exon 19 deletion")
    assert variants_named("egfr", "EGFR exon 20 insertions are rare.") == ["exon 20 insertion"]


def test_a_sentence_for_another_extent_of_the_cancer_is_not_the_persons() -> None:
    """Relapse and spread-far sentences are not quoted for a cancer that cannot be stage IV, early-cancer sentences
    not for one that cannot be early, after-surgery care not for stage IV; unless the question asks about it."""
    from oncoguide.answer.personal import fits
    from profiles import val

    def staged(group: str | None, m: str | None = None) -> Profile:
        return Profile(stage=Stage(group=val(group) if group else None, m=val(m) if m else None))

    limited, stage3, stage4, unknown = staged("IIIA"), staged("IIIC1"), staged(None, "M1b"), staged(None)
    relapse = "Lurbinectedin is a chemo drug for small cell lung cancer that grew after platinum chemo."
    assert not fits(limited, relapse)
    assert fits(stage4, relapse) and fits(unknown, relapse)
    assert fits(limited, relapse, question="What happens if my cancer comes back?")
    assert fits(stage3, "Stage III colon cancer has spread to nearby lymph nodes.")
    early = "Oncotype DX is one such test for early breast cancer."
    assert not fits(stage4, early) and not fits(stage3, early) and fits(staged("IA"), early)
    assert fits(stage4, early, question="Was my cancer found early?")
    adjuvant = "The goal of adjuvant therapy is to lower the chance that melanoma comes back."
    assert not fits(stage4, adjuvant) and fits(stage3, adjuvant)


def test_a_side_effects_answer_keeps_to_the_drugs_taken(engine: AnswerEngine) -> None:
    """Another drug's side effects are not quoted for the drugs the question names or the person takes."""
    from oncoguide.answer.drug_scope import drugs_meant, other_drugs_only
    from profiles import ev

    on_capox = Profile(treatments=[Treatment(name="CAPOX", drug_class="chemotherapy", status="ongoing",
                                             evidence=ev("CAPOX"), confidence=0.9)])
    assert drugs_meant("What side effects should I expect?", on_capox) == {"capecitabine", "oxaliplatin"}
    assert other_drugs_only("Cetuximab and panitumumab often cause a rash that looks like acne.",
                            {"capecitabine", "oxaliplatin"})
    assert not other_drugs_only("Oxaliplatin can cause numb fingers, worse in the cold.", {"oxaliplatin"})
    assert not other_drugs_only("Cisplatin can harm hearing.", {"pembrolizumab"}, frozenset({"chemotherapy"}))
    answer = engine.ask("What side effects can pembrolizumab cause?")
    quoted = " ".join(s.text for s in [*answer.summary, *(x for sec in answer.sections for x in sec.sentences)])
    assert "pembrolizumab" in quoted.lower() or "immune" in quoted.lower()
    assert "osimertinib" not in quoted.lower()


def test_words_to_know_and_questions_fit_the_person(engine: AnswerEngine) -> None:
    """A stage IV person's answer does not define terms or suggest questions written for early cancer."""
    from oncoguide.answer.personal import fits
    from profiles import ev, val

    stage4 = Profile(cancer=alk_progressed().cancer.model_copy(update={"cancer_id": "hr-positive-breast",
                                                                        "histology": val("invasive ductal carcinoma")}),
                     stage=Stage(group=val("IV"), m=val("M1")),
                     biomarkers=[Biomarker(name="ER", result="positive", evidence=ev("ER+"), confidence=0.9)])
    answer = engine.ask("What are my treatment options?", profile=stage4)
    quoted = [*(s for sec in answer.sections for s in sec.sentences), *answer.questions_to_ask]
    assert quoted and all(s.fixed or fits(stage4, s.text) for s in quoted)
