"""``python -m devplan_tools.stand_in --port 0``: the stand-in on its own; prints its URL."""

from devplan_tools.stand_in.server import main

main()
