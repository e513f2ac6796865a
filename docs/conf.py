"""Sphinx configuration of the skl1net documentation (built by ``make docs``)."""

import importlib
import importlib.metadata
import inspect
import os
import re
import shutil
import warnings

from sphinx.util import logging as sphinx_logging

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

# -- API reference: one autosummary entry per public name, read from the
# __all__ of each public module at build time, so a new public name is
# documented as soon as it is exported (and its docstring must then build
# without warnings). A public module that does not exist (yet) is skipped.
HERE = os.path.dirname(os.path.abspath(__file__))
API_LIST = "api_list.rst"
PUBLIC_MODULES = {
    # module: the section title on the API page ("" for the package itself)
    "skl1net": "",
    "skl1net.penalties": "Penalties",
    "skl1net.onnx": "ONNX export",
}


def _public_names(module_name):
    """``module.__all__``; without one, its public classes and functions from skl1net."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    if hasattr(module, "__all__"):
        names = module.__all__
    else:
        names = [
            name for name, value in vars(module).items()
            if (inspect.isclass(value) or inspect.isfunction(value))
            and getattr(value, "__module__", "").startswith("skl1net")
        ]
    return [name for name in names if not name.startswith("_")]


def _write_api_list():
    lines = [".. This file is written by conf.py from the modules' __all__; do not edit.", ""]
    for module_name, title in PUBLIC_MODULES.items():
        names = _public_names(module_name)
        if not names:
            continue
        if title:
            lines += [title, "-" * len(title), "", f".. automodule:: {module_name}",
                      "   :no-members:", ""]
        lines += [
            f".. currentmodule:: {module_name}",
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

# -- math, offline ---------------------------------------------------------------
# MathJax is shipped with the pages (from the django-static-mathjax package of
# the docs extra: MathJax's files and nothing else), so that equations render
# without a network connection. The SVG build is one file that needs no fonts
# and holds the TeX extensions the pages use (base and AMS).
MATHJAX_FILE = "tex-svg.js"
mathjax_path = f"mathjax/{MATHJAX_FILE}"


def _mathjax_source():
    dist = importlib.metadata.distribution("django-static-mathjax")
    for file in dist.files or ():
        if str(file).endswith(f"es5/{MATHJAX_FILE}"):
            return str(file.locate())
    raise FileNotFoundError(f"{MATHJAX_FILE} is not in django-static-mathjax")


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        target = os.path.join(app.outdir, "_static", "mathjax")
        os.makedirs(target, exist_ok=True)
        shutil.copy2(_mathjax_source(), os.path.join(target, MATHJAX_FILE))


# -- references to private names in docstrings ----------------------------------
# The API pages refer to public names only. Docstrings that still point at a
# private module are rewritten to the page that explains the same thing.
PRIVATE_REFERENCES = [
    # (a private module path, at any depth, then the name)
    (r":class:`~?skl1net\.(?:_\w+\.)+GroupL1Prox`", ":ref:`the group penalty <group-penalty>`"),
    (r":mod:`~?skl1net\.(?:_\w+\.)*_debias`", ":ref:`debiasing <debias>`"),
    (r":func:`~?skl1net\.(?:_\w+\.)+compact_model`", ":ref:`compact() <compact>`"),
    (r":func:`~?skl1net\.(?:_\w+\.)+lmbda_grid`", ":ref:`lmbda-grid`"),
    (r"\(see module doc\)", "(see :ref:`lmbda-grid`)"),
    (r"\(see the module docstring[^)]*\)", "(see :ref:`lmbda-path`)"),
]
LOGGER = sphinx_logging.getLogger(__name__)
PRIVATE_NAME = re.compile(r"\bskl1net\._\w+")


def _public_references(app, what, name, obj, options, lines):
    text = "\n".join(lines)
    for pattern, replacement in PRIVATE_REFERENCES:
        text = re.sub(pattern, replacement, text)
    # examples that import a public name from its private module
    text = re.sub(
        r"from skl1net\._[\w.]+ import (\w+)$",
        lambda m: f"from skl1net import {m[1]}" if m[1] in skl1net.__all__ else m[0],
        text, flags=re.MULTILINE,
    )
    # any other role that names a private module: its last component, as code
    text = re.sub(r":\w+:`~?skl1net\._[\w.]*?(\w+)`", r"``\1``", text)
    for private in sorted(set(PRIVATE_NAME.findall(text))):
        # prose that names a private module: say so at build time (-W: an error)
        LOGGER.warning("docstring of %s names the private module %s", name, private)
    lines[:] = text.split("\n")


def setup(app):
    app.connect("autodoc-process-docstring", _public_references)
    app.connect("build-finished", _copy_mathjax)


# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skl1net {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    # the guides, troubleshooting, examples and the API in the top bar;
    # the remaining pages under "More"
    "header_links_before_dropdown": 6,
    "navbar_persistent": ["search-button"],
}
# No left sidebar on pages without a sub-toctree (it would be an empty, or
# a siblings-only, "Section Navigation" column that narrows the text, code and
# equations); the two pages with sub-pages, the API reference and the gallery,
# keep the list of their pages. (A pattern without a wildcard wins over "**".)
html_sidebars = {
    "**": [],
    "api": ["sidebar-nav-bs"],
    "auto_examples/index": ["sidebar-nav-bs"],
}
html_show_sourcelink = False
html_static_path = ["_static"]
html_css_files = ["skl1net.css"]
