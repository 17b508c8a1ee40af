"""Read a binary stream as text lines, whatever its encoding (UTF-8 or Windows-1252)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

SAMPLE = 1 << 20  # decide on the first megabyte


def looks_like_text(head: bytes) -> bool:
    """False for binary files (images, archives, PDF, office documents)."""
    if b"\x00" in head:
        return False
    return not head.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8"))


def detect(head: bytes) -> str:
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the sample's end
            return "utf-8"
        return "cp1252"


class LineReader:
    """Numbered text lines from a binary stream; ``bytes_read`` feeds a progress bar."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.head = stream.read(SAMPLE)
        self.encoding = detect(self.head)
        self.bytes_read = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        number = 0
        pending = b""
        chunks = [self.head]
        while chunks:
            data = pending + chunks.pop()
            lines = data.split(b"\n")
            pending = lines.pop()
            for raw in lines:
                number += 1
                self.bytes_read += len(raw) + 1
                yield number, self._decode(raw)
            more = self.stream.read(SAMPLE)
            if more:
                chunks.append(more)
        if pending:
            number += 1
            self.bytes_read += len(pending)
            yield number, self._decode(pending)

    def _decode(self, raw: bytes) -> str:
        raw = raw.rstrip(b"\r")
        try:
            return raw.decode(self.encoding)
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
