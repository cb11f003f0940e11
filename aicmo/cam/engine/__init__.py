"""The one send engine: decide, claim, send, record and advance, for the worker and for sends made now."""
