"""The one Jinja environment: every HTML fragment kttt writes comes from ``kttt/templates``.

Report blocks shown in notebooks (tables, charts, the banner, the narrative) and the published
pages (layout, year index, dataset index) are all templates rendered here, with autoescaping:
data-derived text is escaped wherever it is rendered, and no HTML is built from f-strings.

>>> fragment("partials/paragraphs.html.j2", paragraphs=["97 HTX & <b>", "5.894 THT"], css_class="loi-van")
'<div class="loi-van"><p>97 HTX &amp; &lt;b&gt;</p><p>5.894 THT</p></div>'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from kttt.config import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """kttt's Jinja environment: templates from ``kttt/templates``, autoescaped, strict
    (an undefined name is an error, not an empty string)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["css_string"] = css_string
    return env


def css_string(text: object) -> Markup:
    """Text as a quoted CSS string (``content: …`` of a page header): quotes, backslashes,
    angle brackets and control characters as CSS escapes — HTML escaping does not apply inside
    ``<style>``, where ``&#34;`` would print as it is.

    >>> print(css_string('Tỉnh "A" <b> & B'))
    "Tỉnh \\22 A\\22  \\3c b\\3e  & B"
    """
    out = []
    for ch in str(text):
        out.append(f"\\{ord(ch):x} " if ch in '"\\<>' or ord(ch) < 32 else ch)
    return Markup('"' + "".join(out) + '"')


def render(template: str, **values: Any) -> str:
    """Render a whole document (a page) of ``kttt/templates`` with these values."""
    return environment().get_template(template).render(**values)


def fragment(template: str, **values: Any) -> str:
    """Render a partial (a block inside a page) without surrounding whitespace.

    >>> fragment("partials/line.html.j2", text="Đã đọc 12 tệp & <3 dòng")
    '<p>Đã đọc 12 tệp &amp; &lt;3 dòng</p>'
    """
    return environment().get_template(template).render(**values).strip()
