from tests.support.gateway import edge, make_platform, platform

__all__ = ["edge", "make_platform", "platform"]
