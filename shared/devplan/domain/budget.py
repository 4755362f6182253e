"""The training budget: 5 000 SEK per employee and year, adjustable after approval."""

ANNUAL_TRAINING_BUDGET_SEK = 5000
