"""Hand-drawn pictures (a patient's timeline, the sparklines in tables) from SVG templates.

matplotlib draws the charts and Graphviz the maps; what is simpler drawn by
hand is written the one other way: the code computes the geometry, and a Jinja
template in ``templates/svg/`` writes the elements, escaping every value
(autoescape is on whatever the file's ending), so a label from the log can
never become markup.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader


def _tenths(value: float) -> str:
    """A coordinate with one decimal, as the pictures write them (``12.0``)."""
    return f"{value:.1f}"


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("pathways.present", "templates/svg"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["tenths"] = _tenths
    return env


def render_svg(template: str, **context: Any) -> str:
    """The SVG of ``templates/svg/<template>`` drawn with ``context``."""
    return _environment().get_template(template).render(**context)
