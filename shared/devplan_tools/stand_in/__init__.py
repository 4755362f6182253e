"""A local stand-in for Slack's Web API (see server.py)."""

from devplan_tools.stand_in.server import SlackStandIn

__all__ = ["SlackStandIn"]
