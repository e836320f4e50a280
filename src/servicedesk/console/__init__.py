"""The ``servicedesk`` command line: a small centre runs its desk from a terminal.

``servicedesk.cli.main`` is the click group; the modules here add its command
groups (``base`` holds what they share: the store, the actor, the clock, the
output and the one-line errors).
"""
