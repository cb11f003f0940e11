"""Outgoing webhooks: events (message.sent, message.replied, ...) delivered to subscribers, signed, retried."""
