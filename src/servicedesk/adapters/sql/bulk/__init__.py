"""Set-based store operations: the month close, the escalation sweep, the purge.

Each answers a port's bulk method with a few statements over a whole set of rows, and
writes exactly what the domain path would have written; the JSON constructs they build
documents with are spelled once per database here too.
"""
