"""The pure core: aggregates, values, events and errors.

Nothing here does I/O, reads the clock, or imports SQLAlchemy, pluggy or the
adapters; time comes in as an argument.  ``tests/test_architecture.py`` and
import-linter hold the line.
"""
