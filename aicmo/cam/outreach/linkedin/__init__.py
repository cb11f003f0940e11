"""The LinkedIn channel (channel.py): steps as operator tasks or automation webhooks, as LinkedIn has no public
messaging API."""
