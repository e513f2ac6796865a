"""The ``skl1net`` command line: train, predict, path and demo on CSV files.

It uses only the public API of the package. Run ``skl1net --help``.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._main import main

__all__ = ["main"]
