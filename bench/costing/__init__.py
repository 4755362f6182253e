"""Parts of bench/cost.py: counting documents (counting.py), the in-process host that runs the
functions and their triggers (host.py) and the simulated organisation and year (year.py)."""
