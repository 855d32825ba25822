"""Flask-Login wiring: users are loaded through their live server-side session."""

from flask import Flask, g, session

from coalition.core.auth import load_session_user
from coalition.extensions import login_manager

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the session key name, not a secret


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(user_id: str):
        user, reason = load_session_user(user_id, session.get(SESSION_TOKEN_KEY))
        if user is None:
            g.session_end_reason = reason
            session.clear()
        return user
