"""Random, huge and odd input never produces a 500 or a partial write."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coalition.core.models import LoginFailure, User, UserSession
from coalition.extensions import db

odd_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=200, max_size=5000),
    st.sampled_from(["", " ", "\x00", "' OR 1=1 --", "<script>alert(1)</script>", "é" * 300,
                     "ﬁ@ﬁ.ﬁ", "a@b", "\u202e\u200b", "😀" * 80]),
)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(email=odd_text, password=odd_text)
def test_login_never_fails_with_a_server_error(app, client, email, password):
    sessions_before = db.session.scalar(select(func.count(UserSession.id)))
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code in (400, 401, 429)
    assert db.session.scalar(select(func.count(UserSession.id))) == sessions_before
    db.session.execute(LoginFailure.__table__.delete())  # keep throttling out of the way
    db.session.commit()


@SETTINGS
@given(name=odd_text, email=odd_text, role=st.sampled_from(["member", "leader", "x", ""]))
def test_new_account_form_saves_all_or_nothing(app, client, make_user, login, name, email, role):
    if not getattr(client, "_signed_in", False):
        login(make_user("coordinator"))
        client._signed_in = True
    before = db.session.scalar(select(func.count(User.id)))
    response = client.post("/users/new", data={"name": name, "email": email, "site_role": role,
                                               "person_id": ""})
    assert response.status_code in (200, 302, 400)
    after = db.session.scalar(select(func.count(User.id)))
    assert after - before == (1 if response.status_code != 400 else 0)
