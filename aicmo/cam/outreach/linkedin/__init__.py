"""LinkedIn steps as operator tasks or automation webhooks: LinkedIn has no public messaging API."""
