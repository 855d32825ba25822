"""Vocabularies: several of them read in one query give what each read alone gives."""

from __future__ import annotations

from coalition.core import vocab
from coalition.core.models import VocabTerm
from coalition.extensions import db


def test_terms_of_several_vocabularies_match_each_read_alone(app):
    stage = vocab.terms("stage")
    stage[1].is_active = False  # an inactive term is left out of both
    db.session.add(VocabTerm(vocabulary="sector", code="zz_added", label="Added locally",
                             position=stage[0].position, is_standard=False))
    db.session.flush()
    names = ("stage", "sector", "gap_type", "touchpoint_type")
    together = vocab.terms_of(*names)
    assert list(together) == list(names)
    for name in names:
        assert together[name] == vocab.terms(name) and together[name]
    assert stage[1] not in together["stage"]
    assert "Added locally" in [term.label for term in together["sector"]]
    assert vocab.terms_of("no_such_vocabulary") == {"no_such_vocabulary": []}
