"""The ``servicedesk`` command line: a small centre runs its desk from a terminal.

``main`` (in ``servicedesk.cli.main``) is the click group and lists every command
group explicitly; each module here holds the groups of one area (``requests``,
``billing``, ``complaints``, ``records``, ``reports``) or the demo (``demo``,
``month_end``), and ``base`` what they share: the store, the actor, the clock,
the output, the one-line errors and the wording of fees.
"""
