"""The composition root: which services exist, and the ways to run them.

services   the list of services and how to build each one's app and worker
embedded   `make run`: one process, every service, in-process events, embedded database
cli        the `relais` command
"""
