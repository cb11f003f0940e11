"""Network safety shared by every part that calls out: the SSRF guard, the pinned transport, HMAC signing."""
