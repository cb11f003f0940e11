"""Keeping every sender mailbox healthy: rolling bounce and complaint rates, and pausing a mailbox above them."""
