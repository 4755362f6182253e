"""The chaos year: the demo's year run clean and again under duplicated, reordered and failing
deliveries, then the two final states compared (`devplan chaos`, tests/e2e/test_chaos_year.py)."""
