"""DEV-1: the deviation register."""
