"""The Slack pacing benchmark's parts (bench/slack_pacing.py is the command): floor.py the
rate-limit floor from the calls made, phases.py the quarter openings and the onboarding batch."""
