"""`devplan demo`: the seed's year 2025 on the local stack (run.py), scripted in script.py."""
