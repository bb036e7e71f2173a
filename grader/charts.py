"""Small inline SVG charts drawn on the server: no JavaScript, nothing fetched at run time."""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 38
MAX_TIMELINE_DAYS = 120
"""The timeline shows at most this many days (the latest), however far apart the submissions and the due date."""


def _frame(title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>' + "".join(body) + "</svg>")


def _y_axis(peak: int) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" class="axis"/>',
             f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" class="axis"/>']
    for tick in sorted({0, peak // 2, peak}):
        y = HEIGHT - BOTTOM - plot_h * tick / max(peak, 1)
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{tick}</text>')
    return parts


def bar_chart(title: str, bars: list[tuple[str, int]], *, marker_index: float | None = None,
              marker_label: str = "", label_every: int = 1) -> Markup:
    """Vertical bars with a label under each (every ``label_every``-th); an optional dashed marker line."""
    peak = max([count for _, count in bars] + [1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(bars), 1)
    body = _y_axis(peak)
    for i, (label, count) in enumerate(bars):
        h = plot_h * count / peak
        x = LEFT + i * step
        body.append(f'<rect x="{x + step * 0.1:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{step * 0.8:.1f}" '
                    f'height="{h:.1f}" class="bar"><title>{escape(label)}: {count}</title></rect>')
        if i % label_every == 0:
            body.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
                        f'class="tick">{escape(label)}</text>')
    if marker_index is not None:
        x = LEFT + marker_index * step
        body.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" class="marker"/>'
                    f'<text x="{x + 3:.1f}" y="{TOP + 10}" class="marker-label">{escape(marker_label)}</text>')
    return _frame(title, body)


def score_histogram(scores: list[float], max_score: float, bins: int = 10) -> Markup:
    """A histogram of counting scores in ``bins`` equal bins from 0 to ``max_score`` (non-finite scores left out)."""
    if not math.isfinite(max_score) or max_score <= 0:
        return bar_chart("Score histogram", [])
    counts = [0] * bins
    for score in scores:
        if math.isfinite(score):
            counts[min(max(int(bins * score / max_score), 0), bins - 1)] += 1
    width = max_score / bins
    labels = [f"{i * width:g}–{(i + 1) * width:g}" for i in range(bins)]
    return bar_chart("Score histogram", list(zip(labels, counts)))


def timeline(days: list[tuple[date, int]], due: date | None) -> Markup:
    """Submissions per day, every day of the range shown, with the due date marked.

    The range is the submissions' days, widened to the due date when that
    keeps it within MAX_TIMELINE_DAYS; a longer range shows its latest days.
    """
    if not days:
        return bar_chart("Submissions per day", [])
    by_day = dict(days)
    first, last = min(by_day), max(by_day)
    if due is not None and (max(last, due) - min(first, due)).days < MAX_TIMELINE_DAYS:
        first, last = min(first, due), max(last, due)
    first = max(first, last - timedelta(days=MAX_TIMELINE_DAYS - 1))
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    bars = [(d.strftime("%m-%d"), by_day.get(d, 0)) for d in span]
    notes = [f"the last {len(span)} days"] if first > min(by_day) else []
    marker = None
    if due is not None and first <= due <= last:
        marker = (due - first).days + 0.5
    elif due is not None:
        notes.append(f"due {due}, off the chart")
    title = "Submissions per day" + (f" ({'; '.join(notes)})" if notes else "")
    return bar_chart(title, bars, marker_index=marker, marker_label="due", label_every=max(1, len(bars) // 10))
