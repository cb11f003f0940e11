"""What comes back: replies, auto-replies, bounces, complaints and unsubscribe requests, read from each
sender mailbox over IMAP or pushed by a provider's webhook, and what each one changes."""
