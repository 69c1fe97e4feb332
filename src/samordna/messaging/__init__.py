"""MSG-1 to MSG-3: messages between connected units about one individual."""
