"""Staff accounts: argon2id password hashes, login, refresh-token rotation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from pymongo import ReturnDocument

from gateway.documents import LoginThrottle, RefreshToken, StaffAccount

HASHER = PasswordHasher()
# a hash to verify against when the account does not exist: same time either way
_DUMMY = HASHER.hash("not a password")


class LoginFailed(Exception):
    pass


class LoginThrottled(Exception):
    """Too many wrong passwords for this login name: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


# per login name, whichever addresses the tries come from: 5 wrong passwords are free,
# then each one more doubles the wait (30 s, 1 min, 2 min ... at most 15 min); a right
# password starts over.  Counted for any name, existing or not, so it tells nothing.
FREE_TRIES = 5
FIRST_WAIT, LONGEST_WAIT = 30, 15 * 60


def create_account(
    username: str,
    password: str,
    role: str,
    *,
    subject: str | None = None,
    sites=(),
    display_name: str = "",
) -> StaffAccount:
    account = StaffAccount(
        id=username,
        password_hash=HASHER.hash(password),
        role=role,
        subject=subject or username,
        sites=list(sites),
        display_name=display_name or username,
    )
    account.save()
    return account


def authenticate(username: str, password: str) -> StaffAccount:
    name = _digest(username)
    throttle = LoginThrottle._get_collection()
    now = datetime.now(UTC)
    state = throttle.find_one({"_id": name}) or {}
    locked = state.get("locked_until")
    if locked is not None and locked > now:
        raise LoginThrottled(int((locked - now).total_seconds()) + 1)
    account = StaffAccount.objects(id=username, active=True).first()
    try:
        HASHER.verify(account.password_hash if account else _DUMMY, password)
    except (VerifyMismatchError, VerificationError):
        _failed(name, now)
        raise LoginFailed from None
    if account is None:
        _failed(name, now)
        raise LoginFailed
    throttle.delete_one({"_id": name})
    return account


def _failed(name: str, now: datetime) -> None:
    counted = LoginThrottle._get_collection().find_one_and_update(
        {"_id": name}, {"$inc": {"failures": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    over = (counted or {}).get("failures", 1) - FREE_TRIES
    if over > 0:
        wait = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (over - 1))
        LoginThrottle._get_collection().update_one(
            {"_id": name}, {"$set": {"locked_until": now + timedelta(seconds=wait)}}
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_refresh(account: StaffAccount, ttl: timedelta, family: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    RefreshToken(
        id=_digest(token),
        account=account.id,
        family=family or uuid.uuid4().hex,
        expires_at=datetime.now(UTC) + ttl,
    ).save(force_insert=True)
    return token


def rotate_refresh(token: str, ttl: timedelta) -> tuple[StaffAccount, str]:
    """Use a refresh token once; a second use revokes every token of its family."""
    digest = _digest(token)
    collection = RefreshToken._get_collection()
    now = datetime.now(UTC)
    claimed = collection.find_one_and_update(
        {"_id": digest, "used": False, "revoked": False, "expires_at": {"$gt": now}},
        {"$set": {"used": True}},
    )
    if claimed is None:
        stored = collection.find_one({"_id": digest})
        if stored is not None and stored.get("used"):
            collection.update_many({"family": stored["family"]}, {"$set": {"revoked": True}})
        raise LoginFailed
    account = StaffAccount.objects(id=claimed["account"], active=True).first()
    if account is None:
        raise LoginFailed
    return account, issue_refresh(account, ttl, family=claimed["family"])
