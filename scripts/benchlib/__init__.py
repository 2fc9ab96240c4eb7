# SPDX-License-Identifier: GPL-2.0
"""The `make bench` report, in three parts: read (the formats), stats
(the numbers), render (markdown and plots).  scripts/bench-report.py is
the command line."""
