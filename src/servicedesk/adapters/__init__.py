"""Adapters at the edge: stores that implement the ports of ``servicedesk.app.unit_of_work``."""
