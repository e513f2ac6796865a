"""Figures written by the command line (matplotlib's Agg, no display needed).

Both functions build a :class:`matplotlib.figure.Figure` directly, without
``pyplot``, so they never touch the user's interactive backend.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._io import atomic_output, require


def _save(fig, path):
    with atomic_output(path) as file:
        fig.savefig(file, format="png", dpi=100)


def plot_first_layer(models, image_shape, path, *, n_units=12, command="demo"):
    """Draw the first-layer weights of each model as images, one row per model.

    Each image is one hidden unit's incoming weights reshaped to
    ``image_shape``; exact zeros are drawn black, so the sparsity of each
    penalty is visible at a glance. Models trained with the same
    ``random_state`` start from the same weights, so each column shows the
    same unit under every penalty: the units that the sparsest model uses
    most (most non-zero incoming weights), since most of its units may be
    dead.

    Parameters
    ----------
    models : dict of str to L1MLPClassifier
        Fitted models by label, in row order.
    image_shape : tuple of int
        Shape of one input image, e.g. ``(8, 8)`` for the digits.
    path : str
        Where to write the PNG.
    n_units : int, default=12
        Number of hidden units (columns) to draw.
    command : str, default='demo'
        Name of the command, for error messages.
    """
    require("matplotlib", command)
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    cmap = colormaps["RdBu_r"].with_extremes(bad="black")
    n_units = min(n_units, min(m.coefs_[0].shape[1] for m in models.values()))
    sparsest = max(models.values(), key=lambda m: m.zero_fraction_)
    alive = np.count_nonzero(sparsest.coefs_[0], axis=0)
    units = np.sort(np.argsort(-alive, kind="stable")[:n_units])
    fig = Figure(figsize=(1.1 * n_units, 1.45 * len(models) + 0.5), layout="constrained")
    fig.suptitle("First-layer weights of each hidden unit (black: exactly 0)")
    rows = fig.subfigures(len(models), 1, squeeze=False)[:, 0]
    for row, (label, model) in zip(rows, models.items()):
        W = model.coefs_[0][:, units]
        scale = float(np.abs(W).max()) or 1.0
        row.suptitle(
            f"{label}: {model.zero_fraction_:.0%} of all weights are 0, "
            f"{model.n_features_selected_} of {W.shape[0]} pixels used",
            fontsize="medium",
        )
        for ax, w in zip(row.subplots(1, n_units), W.T):
            image = np.ma.masked_equal(w.reshape(image_shape), 0)
            ax.imshow(image, cmap=cmap, vmin=-scale, vmax=scale, interpolation="nearest")
            ax.set_axis_off()
    _save(fig, path)


def plot_path(table, path, *, title, command="path"):
    """Plot test accuracy and fraction of zero weights against ``lmbda``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per ``lmbda`` with columns ``lmbda``, ``test_accuracy`` and
        ``zero_fraction``.
    path : str
        Where to write the PNG.
    title : str
        Title of the figure.
    command : str, default='path'
        Name of the command, for error messages.
    """
    require("matplotlib", command)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    ax.semilogx(table["lmbda"], table["test_accuracy"], "o-", color="C0")
    ax.set_xlabel("lmbda (per-sample scale)")
    ax.set_ylabel("test accuracy", color="C0")
    ax.set_title(title)
    zeros = ax.twinx()
    zeros.semilogx(table["lmbda"], table["zero_fraction"], "s--", color="C1")
    zeros.set_ylabel("fraction of weights exactly 0", color="C1")
    zeros.set_ylim(-0.02, 1.02)
    _save(fig, path)
