"""`make bench`: every benchmark, each printing its ratio against a same-run baseline."""

from bench import booking, booking_floor, bus, directory_import, gateway, planner, secantus_writers

if __name__ == "__main__":
    for bench in (
        secantus_writers,
        bus,
        booking,
        booking_floor,
        gateway,
        directory_import,
        planner,
    ):
        bench.main([])
        print()
