"""Who may use the API and the dashboard: API keys, shown once and stored hashed."""
