"""Controlled vocabularies: their starting terms, idempotent seeding and look-ups.

The terms are rows (``VocabTerm``), so a coalition can add its own without a code change; the
lists below are only what a new installation starts with.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from coalition.core.db import MAX_RECORD_ID, db
from coalition.core.models import VocabTerm

VOCABULARIES: dict[str, tuple[str, list[str]]] = {
    "sector": ("Sectors", [
        "Law enforcement", "Fire/EMS", "Emergency department/hospital",
        "Medical examiner/coroner", "Public health", "Harm reduction/syringe services",
        "Substance use treatment", "Opioid treatment program/MOUD provider", "Mental health",
        "Primary care", "Pharmacy", "Peer recovery support", "Corrections/jail",
        "Probation/parole", "Courts/prosecutor/defender", "Child welfare",
        "Human/social services", "Housing/homeless services", "Schools", "Faith community",
        "Family/community members", "Elected officials/government", "Research/academia", "Other",
    ]),
    "stage": ("Continuum-of-care stages", [
        "Root causes and social determinants", "Prevention", "Early identification and screening",
        "Harm reduction", "Crisis and overdose response",
        "Engagement and linkage (warm hand-off, outreach, deflection)",
        "Treatment initiation (including MOUD)", "Treatment retention", "Recovery support",
        "Criminal-legal transitions (custody MOUD, re-entry)", "Family and child support",
        "Policy and systems",
    ]),
    "touchpoint_type": ("Touchpoint types", [
        "ED visit", "Hospital admission", "EMS response (overdose)", "EMS response (other)",
        "Naloxone administered", "Police contact or arrest", "Jail booking", "Jail release",
        "Prison release", "Probation or parole start", "Probation or parole violation",
        "Court or treatment court", "SUD treatment admission", "SUD treatment discharge",
        "MOUD start", "MOUD stop", "Mental health service", "Primary care visit",
        "Opioid or benzodiazepine prescription", "Pharmacy naloxone", "Harm reduction contact",
        "Post-overdose outreach attempt", "Risk situation discussed", "Child welfare involvement",
        "Housing loss or shelter stay", "School event", "Employment loss",
        "Bereavement or trauma", "Other",
    ]),
    "gap_type": ("Gap types", [
        "Service not available", "Waitlist or capacity", "Eligibility or insurance barrier",
        "Screening not done", "Referral not made", "No warm hand-off",
        "No follow-up after discharge or release", "Information not shared between agencies",
        "Policy barrier", "Stigma or engagement", "Transportation", "Language or culture",
        "Naloxone not present", "Using alone", "Other",
    ]),
    "substance": ("Substances", [
        "Fentanyl and analogs", "Heroin", "Prescription opioids", "Methadone", "Buprenorphine",
        "Cocaine", "Methamphetamine/amphetamines", "Benzodiazepines", "Xylazine", "Alcohol",
        "Cannabinoids", "Gabapentin", "Other",
    ]),
    "risk_factor_category": ("Risk factor categories", [
        "Substance use", "Prior overdose", "Mental health", "Suicide or self-harm", "Housing",
        "Basic needs and poverty", "Criminal involvement", "Victimization and violence",
        "Recent release from custody or treatment", "Physical health", "Family and parenting",
        "Social environment", "Other",
    ]),
    "recommendation_status": ("Recommendation status", [
        "Proposed", "Endorsed", "In progress", "Implemented", "Partially implemented",
        "Sustained", "Stalled", "Not feasible", "Declined", "Superseded",
    ]),
}


def code_for(label: str) -> str:
    """A stable machine code for a label: ``Fire/EMS`` → ``fire_ems``."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:60]


def seed_vocabularies() -> int:
    """Insert missing starting terms; never duplicates, never overwrites local edits.

    Returns how many terms were added. The caller commits.
    """
    existing = {
        (vocabulary, code)
        for vocabulary, code in db.session.execute(select(VocabTerm.vocabulary, VocabTerm.code))
    }
    added = 0
    for vocabulary, (_title, labels) in VOCABULARIES.items():
        for position, label in enumerate(labels, start=1):
            code = code_for(label)
            if (vocabulary, code) in existing:
                continue
            db.session.add(VocabTerm(vocabulary=vocabulary, code=code, label=label,
                                     position=position * 10, is_standard=True))
            added += 1
    db.session.flush()
    return added


def terms(vocabulary: str, *, active_only: bool = True) -> list[VocabTerm]:
    stmt = select(VocabTerm).where(VocabTerm.vocabulary == vocabulary)
    if active_only:
        stmt = stmt.where(VocabTerm.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(VocabTerm.position, VocabTerm.label)))


def terms_of(*vocabularies: str) -> dict[str, list[VocabTerm]]:
    """The active terms of several vocabularies, each as :func:`terms` gives them (one query
    for a form offering four of them)."""
    found: dict[str, list[VocabTerm]] = {vocabulary: [] for vocabulary in vocabularies}
    for term in db.session.scalars(
            select(VocabTerm).where(VocabTerm.vocabulary.in_(vocabularies),
                                    VocabTerm.is_active.is_(True))
            .order_by(VocabTerm.position, VocabTerm.label)):
        found[term.vocabulary].append(term)
    return found


def choices(vocabulary: str, *, blank: str | None = None) -> list[tuple[str, str]]:
    """WTForms choices ``(id, label)`` for a vocabulary; ``blank`` adds an empty first option."""
    options = [(str(term.id), term.label) for term in terms(vocabulary)]
    return ([("", blank)] if blank is not None else []) + options


def get_term(vocabulary: str, term_id) -> VocabTerm | None:
    """The active term of ``vocabulary`` with this id, or None (wrong vocabulary or unknown id)."""
    try:
        term_id = int(term_id)
    except (TypeError, ValueError):
        return None
    if not 0 < term_id <= MAX_RECORD_ID:
        return None
    term = db.session.get(VocabTerm, term_id)
    if term is None or term.vocabulary != vocabulary or not term.is_active:
        return None
    return term


def term_by_code(vocabulary: str, code: str) -> VocabTerm | None:
    return db.session.scalar(
        select(VocabTerm).where(VocabTerm.vocabulary == vocabulary, VocabTerm.code == code)
    )
