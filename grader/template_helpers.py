"""Jinja filters: Markdown statements, timestamps, code highlighting."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

import markdown as markdown_lib
import nh3
from flask import Flask
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

MATHML_TAGS = {"math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub",
               "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
               "mstyle", "mpadded", "mphantom", "menclose", "mfenced"}
MATHML_ATTRIBUTES = {"display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
                     "columnalign", "accent", "accentunder", "movablelimits", "form", "largeop", "symmetric",
                     "width", "height", "depth", "linethickness", "displaystyle", "scriptlevel", "notation"}
ALLOWED_TAGS = nh3.ALLOWED_TAGS | MATHML_TAGS | {
    "pre", "code", "span", "div", "table", "thead", "tbody", "tr", "th", "td",
    "h1", "h2", "h3", "h4", "h5", "h6", "img", "sup", "sub", "hr"}
ALLOWED_ATTRIBUTES = {"*": {"class"}, "img": {"src", "alt"}, "a": {"href", "title"},
                      **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS}}
MATH = re.compile(r"(?<![\\$])\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$", re.S)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def render_markdown(text: str) -> Markup:
    """Markdown with $inline$ and $$display$$ TeX math to sanitised HTML with MathML.

    Statements may come from uploaded zips, so the HTML is cleaned; math is
    rendered on the server as MathML, which browsers display without scripts.
    """
    placeholders: dict[str, str] = {}

    def stash(html: str) -> str:
        key = f"MATH{secrets.token_hex(8)}"
        placeholders[key] = html
        return key

    def to_mathml(match: re.Match) -> str:
        display, inline = match.group(1), match.group(2)
        try:
            return stash(latex_to_mathml(display or inline, display="block" if display else "inline"))
        except Exception:  # malformed TeX: show it as written
            return match.group(0)

    # Code spans keep their dollars: protect them from the math pass first.
    protected = CODE.sub(lambda m: stash(m.group(0)), text or "")
    with_math = MATH.sub(to_mathml, protected)
    for key, value in list(placeholders.items()):
        if value.startswith("`"):
            with_math = with_math.replace(key, value)
    html = markdown_lib.markdown(with_math, extensions=["fenced_code", "tables", "sane_lists"])
    for key, value in placeholders.items():
        html = html.replace(key, value)
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES))


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
