"""The Simpl load profiler.

Task authors use `modelservice.profiler.ProfileCase`; the `profile` management command
(this package is a Django app) runs their tasks over many simulated players.
"""
