"""Configuration: refusing to start without a secret, and database URL spellings."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from coalition import create_app
from coalition.config import ConfigError, normalize_database_url


def test_the_app_refuses_to_start_without_a_secret_key(clean_env):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"TESTING": False, "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_demo_mode_starts_without_a_secret_key_and_keeps_one_in_the_instance(clean_env,
                                                                            tmp_path):
    clean_env.setenv("COALITION_DEMO", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    secret = (tmp_path / "secret_key").read_text().strip()
    assert app.config["SECRET_KEY"] == secret and len(secret) >= 32


def test_a_secret_key_from_the_environment_is_used(clean_env):
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    key = Fernet.generate_key().decode()
    clean_env.setenv("IDENTITY_KEY", key)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["IDENTITY_KEY"] == key


def test_an_identity_key_that_is_not_a_key_is_a_clear_error(clean_env):
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    clean_env.setenv("IDENTITY_KEY", "my-password")
    with pytest.raises(ConfigError, match="IDENTITY_KEY is not a valid key"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_app_refuses_to_start_without_an_identity_key(clean_env):
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    with pytest.raises(ConfigError, match="IDENTITY_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_demo_mode_keeps_an_identity_key_in_the_instance(clean_env, tmp_path):
    clean_env.setenv("COALITION_DEMO", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["IDENTITY_KEY"] == (tmp_path / "identity_key").read_text().strip()


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@db.example:5432/coalition", "postgresql+psycopg://u:p@db.example:5432/coalition"),
    ("postgresql://u:p@db/coalition", "postgresql+psycopg://u:p@db/coalition"),
    ("postgresql+psycopg://u:p@db/coalition", "postgresql+psycopg://u:p@db/coalition"),
    ("sqlite:////srv/coalition.sqlite3", "sqlite:////srv/coalition.sqlite3"),
])
def test_database_urls_are_normalized_to_the_psycopg_driver(url, expected):
    assert normalize_database_url(url) == expected


def test_database_url_from_the_environment_is_normalized(clean_env):
    clean_env.setenv("DATABASE_URL", "postgres://u:p@db.example/coalition")
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/coalition"


def test_a_coalition_variable_of_the_wrong_type_is_a_clear_error(clean_env):
    clean_env.setenv("COALITION_IDLE_TIMEOUT_MINUTES", "half an hour")
    with pytest.raises(ConfigError, match="COALITION_IDLE_TIMEOUT_MINUTES"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_coalition_variables_override_the_defaults(clean_env):
    clean_env.setenv("COALITION_IDLE_TIMEOUT_MINUTES", "45")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 45


def test_a_suppression_threshold_that_would_reveal_counts_is_refused(clean_env):
    clean_env.setenv("COALITION_SUPPRESSION_THRESHOLD", "1")
    with pytest.raises(ConfigError, match="SUPPRESSION_THRESHOLD 1"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    clean_env.setenv("COALITION_SUPPRESSION_THRESHOLD", "5")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SUPPRESSION_THRESHOLD"] == 5
