"""`make bench`: every benchmark, each printing its ratio against a same-run baseline."""

from bench import booking, bus, directory_import, gateway, planner, secantus_writers

if __name__ == "__main__":
    for bench in (secantus_writers, bus, booking, gateway, directory_import, planner):
        bench.main([])
        print()
