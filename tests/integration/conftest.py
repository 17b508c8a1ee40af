import threading

import pytest


@pytest.fixture
def background():
    """Run loops (relay.run, consumer.run) in threads; all stopped after the test."""
    stop = threading.Event()
    threads = []

    def start(loop):
        thread = threading.Thread(target=loop, args=(stop,), daemon=True)
        thread.start()
        threads.append(thread)
        return thread

    yield start
    stop.set()
    for thread in threads:
        thread.join(15)
