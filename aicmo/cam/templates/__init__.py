"""Personalised message templates: context, spintax, A/B variants and sandboxed Jinja rendering."""
