"""The contact-form channel: its adapter (channel.py) does the network part; forms are read, judged and filled as
plain functions beside it."""
