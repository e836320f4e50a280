"""The demo: a day at a property service centre (``day``) and its month-end (``month_end``).

``servicedesk demo`` (``servicedesk.cli.demo``) runs both on an SQLite file and prints them.
"""
