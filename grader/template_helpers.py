"""Jinja filters: Markdown statements, timestamps, code highlighting."""

from __future__ import annotations

from datetime import datetime

import markdown as markdown_lib
import nh3
from flask import Flask
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"pre", "code", "span", "div", "table", "thead", "tbody", "tr", "th", "td",
                                   "h1", "h2", "h3", "h4", "h5", "h6", "img", "sup", "sub", "hr"}


def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML (statements may come from uploaded zips)."""
    html = markdown_lib.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"*": {"class"}, "img": {"src", "alt"},
                                                                  "a": {"href", "title"}}))


def highlight_python(code: str) -> Markup:
    """Python source as highlighted HTML with line numbers."""
    return Markup(highlight(code, PythonLexer(), HtmlFormatter(linenos="table", cssclass="code")))


def format_when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def format_score(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(markdown=render_markdown, python=highlight_python, when=format_when,
                                 score=format_score)
    app.jinja_env.globals["pygments_css"] = HtmlFormatter(cssclass="code").get_style_defs(".code")
