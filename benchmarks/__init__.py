"""`make bench`: throughput and latency of the ledger service on this machine.

Everything runs against a private embedded PostgreSQL in a fresh directory under /tmp and a
`ledger serve` subprocess on a free loopback port; both are removed at the end. The load comes
from a small raw HTTP/1.1 client (`benchmarks/loadgen.py`) in its own process, so that the
client costs little of the two cores the server and the database also need.

Modules: `run` (command line, order of events), `scenarios` (what is measured, targets),
`bench` (load-generator windows, sizes), `server` (database and server processes), `loadgen`
(the client), `data` (request bodies), `machine` (machine description, CPU accounting) and
`report` (the table and RESULTS.md). Not part of `make test`: pytest only collects `tests/`.
"""
