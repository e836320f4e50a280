"""The demo: a day at a property service centre (``day``) and its month-end (``month_end``).

Both are tables of steps walked by one runner (``steps``).  ``servicedesk demo``
(``servicedesk.cli.demo``) runs them on an SQLite file and prints what they left.
"""
