"""Sphinx configuration of the skl1net documentation (built by ``make docs``)."""

import os
import warnings

import skl1net

project = "skl1net"
author = "The skl1net developers"
copyright = "The skl1net developers, BSD-3-Clause"
version = release = skl1net.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# -- API reference: one autosummary entry per public name, read from
# skl1net.__all__ at build time, so a new public name is documented as soon
# as it is exported (and its docstring must then build without warnings).
HERE = os.path.dirname(os.path.abspath(__file__))
API_LIST = "api_list.rst"


def _write_api_list():
    names = [name for name in skl1net.__all__ if not name.startswith("_")]
    lines = [
        ".. This file is written by conf.py from skl1net.__all__; do not edit.",
        "",
        ".. currentmodule:: skl1net",
        "",
        ".. autosummary::",
        "   :toctree: gen_modules",
        "   :template: object.rst",
        "   :nosignatures:",
        "",
        *(f"   {name}" for name in names),
        "",
    ]
    text = "\n".join(lines)
    path = os.path.join(HERE, API_LIST)
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)


_write_api_list()
autosummary_generate = ["api.rst", API_LIST]
exclude_patterns = ["_build", API_LIST, "auto_examples/*.ipynb", "auto_examples/*.py"]
templates_path = ["_templates"]

autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "doc_module": ("skl1net",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"skl1net": None},
    "within_subsection_order": "FileNameSortKey",
    "min_reported_time": 0,
    "matplotlib_animations": False,
}
# Examples may hit max_iter on purpose; keep their output readable.
warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skl1net {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
}
html_show_sourcelink = False
