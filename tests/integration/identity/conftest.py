from tests.support.booking import booking
from tests.support.gateway import make_platform
from tests.support.live import live
from tests.support.mailbox import mailbox

__all__ = ["booking", "live", "mailbox", "make_platform"]
