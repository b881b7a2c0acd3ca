"""Figures and reports from swarmlab results databases (see docs/results.md).

load: queries -> pandas DataFrames; figures: one function per figure; html: the index page.
"""
