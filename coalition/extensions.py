"""Extension instances, initialised in ``create_app``."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from coalition.core.db import db

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()

__all__ = ["db", "migrate", "csrf", "login_manager"]
