"""The performance suite: the library against the driver alone, side by side.

Run ``python -m bench`` (``--quick`` for CI, ``--db postgresql`` for a server);
see docs/performance.md.  Nothing here is imported by the library or its tests.
"""
