"""Support code of the email channel (aicmo.cam.outreach.email_service)."""
