"""The cold-start benchmark's parts (bench/cold_start.py is the command): child.py is the fresh
process that loads functions/main.py and answers one request, scenarios.py the signed requests
and the records they need, model.py the vCPU the manifest gives a function and the wall time a
cold start takes on it."""
