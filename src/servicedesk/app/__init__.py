"""The application layer: commands, handlers, queries and the ports they use."""
