"""Things the operator must see and act on, e.g. a mailbox that paused itself."""
