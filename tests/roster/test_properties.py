"""Property-based: whatever is thrown at the new-organization form, no 500 and no half-write."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.roster.models import Organization
from tests.conftest import count, sector_id

odd_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.sampled_from(["", " ", "\x00", "\u200b", "\u202e", "ß" * 150, "ﬃ" * 120, "İ" * 200,
                     "<script>alert(1)</script>", "' OR 1=1 --", "%_\\", "😀" * 100,
                     "a\r\nb", "\ufeff", "Ǆ", "x" * 20_000]),
)
odd_id = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "1e3", "9" * 400, " 5 ", "٣"]),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=odd_text, address=odd_text, phone=odd_text, website=odd_text, notes=odd_text,
       sector=st.one_of(st.just("valid"), odd_id))
def test_the_new_organization_form_never_fails_and_never_half_saves(
        as_coordinator, name, address, phone, website, notes, sector):
    organizations, audit_events = count(Organization), count(AuditEvent)
    if sector == "valid":
        sector = sector_id("public_health")
    data = {"name": name, "address": address, "phone": phone, "website": website,
            "notes": notes, "sector_id": sector}
    response = as_coordinator.post("/organizations/new", data=data)
    db.session.rollback()  # see what was committed, not what the request left in the session
    assert response.status_code in (302, 400, 413)
    created = count(Organization) - organizations
    assert created == (1 if response.status_code == 302 else 0)
    assert count(AuditEvent) - audit_events == created
