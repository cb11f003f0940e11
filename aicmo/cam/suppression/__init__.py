"""Addresses and whole domains that must never be contacted again, checked before every send."""
