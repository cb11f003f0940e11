"""The HTTP side of aicmo: the app `aicmo serve` runs, and the pages a lead may reach without signing in."""
