"""The email channel: its adapter (channel.py), the mailboxes it sends from, and their CLI and API."""
