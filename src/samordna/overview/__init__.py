"""BOX-1: one screen with everything a unit needs to act on."""
