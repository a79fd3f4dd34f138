"""Benchmarks of the profiler against bare autobahn and the original one-process-per-player design.

Run `python bench/profiler_bench.py --help`; bench/README.md explains each number.
Not for: import by the profiler library (nothing in `modelservice` may depend on this package).
"""
