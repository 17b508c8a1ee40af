from tests.support.roster import centre, client, coordinator, operator, register, roster_app

__all__ = ["centre", "client", "coordinator", "operator", "register", "roster_app"]
