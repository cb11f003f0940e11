"""Outreach channels behind one interface (base.py), one adapter file per channel."""
