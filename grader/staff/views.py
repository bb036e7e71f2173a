"""Presentation helpers of the staff pages that run once per gradebook cell (thousands per page)."""

from __future__ import annotations

from markupsafe import Markup

from grader.gradebook import Cell
from grader.staff import bp
from grader.template_helpers import format_score


@bp.app_template_global()
def gradebook_cells(cells: list[Cell], submission_url: str) -> Markup:
    """A student's gradebook <td>s, built here rather than in Jinja: a class-sized gradebook has thousands."""
    return Markup("".join([gradebook_cell(cell, submission_url) for cell in cells]))


def gradebook_cell(cell: Cell, submission_url: str) -> str:
    """One gradebook <td>: the counting score linking to its submission, marked when overridden or late."""
    classes = "num" + (" cell-overridden" if cell.overridden else "") + (" cell-late" if cell.late else "")
    if cell.submission_id:
        mark = '<span class="overridden" title="set by staff">✎</span>' if cell.overridden else ""
        inner = (f'<a href="{submission_url}{cell.submission_id}" title="{cell.attempts} attempt(s)">'
                 f'{format_score(cell.value)}</a>{mark}')
    elif cell.attempts:
        inner = f'<span class="muted" title="{cell.attempts} attempt(s), none graded">…</span>'
    else:
        inner = '<span class="muted">–</span>'
    return f'<td class="{classes}">{inner}</td>'
