"""The event feed: every committed event, in commit order, from a position a consumer keeps.

``desk.events.after(position)`` reads the durable event log, so a consumer
that was down, or a subscriber that failed, catches up from where it stopped.
"""
