"""Local tooling around the product (devplan): the CLI, the local stack, the Slack stand-in, the demo.

Never imported by the product and never in the function zip (cloudbuild.yaml).
"""
