"""Plots of what a student's network does, rendered in the trusted worker.

Every plot evaluates the student's *returned parameters* with the reference
forward pass (:func:`assignments.api.relu_network_forward`); nothing here runs
inside the sandbox. Figures are built without pyplot (no global state, safe in
threads) and rendered with the Agg backend into PNG data URLs.
"""

from __future__ import annotations

import base64
import io
from typing import Callable, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from assignments.api import Params, network_kinks, relu_network_forward

FIGSIZE = (5.0, 3.6)


def new_figure(figsize: tuple[float, float] = FIGSIZE) -> Figure:
    """A fresh figure with an Agg canvas."""
    fig = Figure(figsize=figsize, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_to_data_url(fig: Figure) -> str:
    """Render a figure as a ``data:image/png;base64,...`` URL (no timestamp: the same plot, the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def decision_regions(params: Params, points: np.ndarray, labels: np.ndarray, *, title: str,
                     threshold: float | None = 0.5, padding: float = 0.5, resolution: int = 200) -> Figure:
    """The regions a network assigns to each class, with the labelled points on top.

    With one output, class 1 is ``output > threshold``; with several, the
    class is the largest output.
    """
    points = np.asarray(points, dtype=np.float64)
    lo, hi = points.min(axis=0) - padding, points.max(axis=0) + padding
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    outputs = relu_network_forward(params, np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    if outputs.shape[1] == 1:
        regions = (outputs[:, 0] > threshold).astype(int)
    else:
        regions = np.argmax(outputs, axis=1)
    fig = new_figure()
    ax = fig.add_subplot()
    classes = max(int(np.max(labels)) + 1, int(regions.max()) + 1, 2)
    ax.contourf(grid_x, grid_y, regions.reshape(grid_x.shape), levels=np.arange(classes + 1) - 0.5,
                cmap="coolwarm" if classes == 2 else "viridis", alpha=0.35)
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="coolwarm" if classes == 2 else "viridis",
               vmin=0, vmax=classes - 1, edgecolors="black", s=30 if len(points) > 20 else 90)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return fig


def fitted_curve(params: Params, *, title: str, x_range: tuple[float, float],
                 target: Callable[[np.ndarray], np.ndarray] | None = None, target_label: str = "target",
                 knots: tuple[np.ndarray, np.ndarray] | None = None,
                 samples: tuple[np.ndarray, np.ndarray] | None = None) -> Figure:
    """A one-input network's output against the target, its kinks marked by vertical lines."""
    lo, hi = x_range
    margin = 0.05 * (hi - lo)
    x = np.linspace(lo - margin, hi + margin, 800)
    y = relu_network_forward(params, x[:, None])[:, 0]
    fig = new_figure()
    ax = fig.add_subplot()
    if samples is not None:
        ax.scatter(np.ravel(samples[0]), np.ravel(samples[1]), s=6, color="0.6", label="training data")
    if target is not None:
        ax.plot(x, target(x), color="black", linestyle="--", linewidth=1, label=target_label)
    if knots is not None:
        ax.plot(knots[0], knots[1], "o", color="black", markersize=5, label="knots")
    ax.plot(x, y, color="tab:red", linewidth=1.6, label="your network")
    if len(params) == 2 and np.shape(params[0][0])[0] == 1:
        kinks = network_kinks(params, lo - margin, hi + margin)
        for position in kinks:
            ax.axvline(position, color="tab:red", alpha=0.25, linewidth=0.8)
        title = f"{title} ({len(kinks)} kinks)"
    ax.set_xlim(lo - margin, hi + margin)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return fig


def loss_curve(history: Sequence[float], *, title: str = "training loss",
               accuracies: dict[str, Sequence[float]] | None = None) -> Figure:
    """The loss per iteration (log scale when it spans decades), with accuracies per epoch."""
    loss = np.asarray(history, dtype=np.float64)
    fig = new_figure()
    ax = fig.add_subplot()
    ax.plot(np.arange(loss.size), loss, color="tab:blue", linewidth=1)
    finite = loss[np.isfinite(loss)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 100:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    ax.set_title(title, fontsize=10)
    if accuracies:
        twin = ax.twinx()
        for label, values in accuracies.items():
            values = np.asarray(values, dtype=np.float64)
            if values.size:
                twin.plot(np.linspace(0, max(loss.size - 1, 1), values.size), values, label=label)
        twin.set_ylim(0, 1.05)
        twin.set_ylabel("accuracy")
        twin.legend(fontsize=8, loc="center right")
    return fig
