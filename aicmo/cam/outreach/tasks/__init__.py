"""The operator-task queue: steps left to a person, of kind `linkedin` (a connection request or message to send on
LinkedIn) or `form` (a contact form a machine must not send), in one table, listed and closed through one path
whatever their kind. The channels leave tasks here (linkedin/channel.py, forms/manual.py)."""
