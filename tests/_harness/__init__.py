"""Test helpers shared by every tier: simulated time (clock.py) and the simulator harnesses' common process and
fixture code (sims.py). Nothing here starts a process on import."""
