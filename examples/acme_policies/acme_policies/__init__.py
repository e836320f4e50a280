"""Acme Property Management's rules for servicedesk, shipped as a policy plugin."""
