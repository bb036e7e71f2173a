"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from grader.config import Config
from grader.db import db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
csrf = CSRFProtect()


def create_app(config: Config | None = None) -> Flask:
    """Build the web application (also used, without serving, by the worker and the CLI)."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config.update(
        GRADER=config,
        SECRET_KEY=config.secret_key,
        SQLALCHEMY_DATABASE_URI=config.database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        # Room for a file at the upload limit plus the form around it; the
        # submission service gives the precise "file too large" message.
        MAX_CONTENT_LENGTH=config.max_upload_bytes * 4 + 64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TESTING=config.testing,
    )
    app.config.update(config.extra)

    # Ids in URLs are database integers: a larger number is a 404, not an overflow.
    app.url_map.converters["int"] = DatabaseIntConverter
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from grader import models, template_helpers
    from grader.api import bp as api_bp
    from grader.auth import bp as auth_bp
    from grader.staff import bp as staff_bp
    from grader.student import bp as student_bp

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id))

    app.register_blueprint(auth_bp)
    app.register_blueprint(student_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # token-authenticated, no cookies
    template_helpers.register(app)

    from workers.celery_app import celery_init_app
    celery_init_app(app)

    app.register_error_handler(HTTPException, _error_page)
    return app


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` limited to what a 64-bit database column holds."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def _error_page(error):
    """HTML for the site; the API's JSON error shape for anything under /api/ (also routing errors)."""
    if request.path.startswith("/api/"):
        from grader.api.routes import api_error

        return api_error(error.code, (error.name or "error").lower().replace(" ", "_"), error.description or "")
    return render_template("error.html", error=error), error.code
