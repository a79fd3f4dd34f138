"""Profile tasks the benchmark runs through the real engine (`ProfileRun`), found by its discovery.

Not for: profiling a game; they only call `bench.echo`.
"""
