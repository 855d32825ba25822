"""Coalition: meetings, case reviews, recommendations and reports for overdose-prevention
coalitions."""

from __future__ import annotations

import os

from flask import Flask

from coalition import config as config_module


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("COALITION_INSTANCE_PATH") or _default_instance_path(),
        template_folder="../templates",
        static_folder="../static",
    )
    settings = dict(config_module.DEFAULTS)
    instance_config = os.path.join(app.instance_path, "config.py")
    if os.path.exists(instance_config):
        app.config.from_pyfile(instance_config)
        settings.update({k: v for k, v in app.config.items() if k.isupper()})
    config_module.from_environment(settings)
    settings.update(config or {})
    config_module.finalize(settings, app.instance_path)
    app.config.update(settings)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_cli(app)
    return app


def _default_instance_path() -> str:
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "instance"))


def register_extensions(app: Flask) -> None:
    # core tables; change tracking
    from coalition.core import generation, models, notifications  # noqa: F401
    from coalition.core.login import init_login
    from coalition.extensions import csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    init_login(app)

    from flask_bootstrap import Bootstrap5

    app.config.setdefault("BOOTSTRAP_SERVE_LOCAL", True)
    Bootstrap5(app)


def register_converters(app: Flask) -> None:
    from coalition.core.http import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter


def register_blueprints(app: Flask) -> None:
    """Core's own screens, then each domain: its models, blueprint, route permissions, agenda
    subjects, action-item sources, agenda rules, minutes hooks and dashboard cards."""
    from coalition import actions, gaps, meetings, ofr, reporting, risk, roster
    from coalition.core.notification_views import notifications_bp
    from coalition.core.views import accounts_bp, audit_bp, auth_bp

    for blueprint in (auth_bp, accounts_bp, audit_bp, notifications_bp):
        app.register_blueprint(blueprint)
    for domain in (roster, meetings, actions, risk, ofr, gaps, reporting):
        domain.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from coalition.core.http import register_error_pages

    register_error_pages(app)


def register_hooks(app: Flask) -> None:
    from coalition.core import localtime
    from coalition.core.fields import checkbox_options
    from coalition.core.http import register_request_hooks
    from coalition.core.links import PageLinks, RowLinks
    from coalition.core.nav import main_nav
    from coalition.core.notifications import unread_count

    register_request_hooks(app)
    localtime.init_app(app)
    app.jinja_env.globals["checkbox_options"] = checkbox_options
    app.jinja_env.globals["row_links"] = RowLinks
    app.jinja_env.globals["page_links"] = PageLinks
    app.jinja_env.globals["unread_notifications"] = unread_count
    app.jinja_env.globals["main_nav"] = main_nav


def register_cli(app: Flask) -> None:
    from coalition.cli import commands

    for command in commands:
        app.cli.add_command(command)
