"""A patient's sign-in: a one-time code sent to the contact staff recorded at validation.

Only a validated identity has an account, and its account is reached only
through the phone or e-mail recorded when staff validated it (``sign_in``):
never through a number typed into a booking.  A code is 6 digits, lives 10
minutes, works once, and a newer code replaces the older; 5 wrong tries lock
the contact for 15 minutes; codes sent to one contact are limited (3 per 15
minutes, 10 per day) whether or not the contact is an account's, so neither
the answers nor the limits tell who has an account.  Codes are kept as keyed
hashes and appear in no log line and no event.

Several identities may share a contact (a parent's e-mail for their children):
the right code then asks which of them (their ids, given names and birth
years) before it is used.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from chassis.cache import ttl_cache
from chassis.phones import normalise_phone
from chassis.problems import Conflict, TooManyRequests, Unauthorized
from services.booking.code_sender import CodeNotSent, CodeSender
from services.booking.documents import BookingSecret, Patient, SignInAccount, SignInCode
from services.booking.domain import now_utc
from services.booking.identity import VALIDATED

log = logging.getLogger(__name__)
CODE_MINUTES = 10
MAX_TRIES = 5
LOCK_MINUTES = 15
SEND_LIMITS = ((timedelta(minutes=15), 3), (timedelta(days=1), 10))


# codes are looked up and sent apart from the request, so that its answer and its time
# are the same for an account's contact and a stranger's
_senders = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sign-in-codes")
_pending: set = set()


def normalise(contact: str) -> tuple[str, str] | None:
    """``("email", address)`` or ``("phone", E.164)``; None when it is neither."""
    text = contact.strip()
    if "@" in text:
        local, _, domain = text.rpartition("@")
        return ("email", f"{local}@{domain.lower()}".lower()) if local and "." in domain else None
    phone = normalise_phone(text)
    return ("phone", phone) if phone else None


@ttl_cache(3600)  # made once, never changed; forgotten when the database changes
def _secret() -> bytes:
    collection = BookingSecret._get_collection()
    query = {"_id": "sign-in"}
    with contextlib.suppress(DuplicateKeyError):  # another process made it just now
        collection.update_one(
            query, {"$setOnInsert": {"value": secrets.token_hex(32)}}, upsert=True
        )
    return bytes.fromhex(collection.find_one(query)["value"])


def _digest(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def _accounts(kind: str, address: str) -> list[dict]:
    """The validated identities whose sign-in contact this is."""
    query = {
        f"sign_in.{kind}": address,
        "identity_status": VALIDATED,
        "merged_into": {"$exists": False},
    }
    fields = {"first_given_name": 1, "birth_date": 1}
    return list(Patient._get_collection().find(query, fields).sort("_id", 1))


def request_code(contact: str, sender: CodeSender) -> None:
    """Send a new code if ``contact`` is an account's; the same answer, in the same time,
    either way: past the per-contact count, the lookup and the sending happen apart."""
    found = normalise(contact)
    if found is None:
        return
    kind, address = found
    sender.check(kind)  # e.g. no SMS yet: said plainly, whoever the contact is
    secret = _secret()
    key = _digest(secret, kind, address)
    _count_a_send(key, now_utc())
    issuing = _senders.submit(_issue, kind, address, key, secret, sender)
    _pending.add(issuing)
    issuing.add_done_callback(_done)


def _done(issuing) -> None:
    _pending.discard(issuing)
    if issuing.exception() is not None:  # what failed, never with the code
        log.warning(
            "a sign-in code was not issued", extra={"error": type(issuing.exception()).__name__}
        )


def settle(timeout: float = 10.0) -> None:
    """Wait for the codes being issued (tests, and a clean stop)."""
    for issuing in list(_pending):
        issuing.result(timeout)


def _issue(kind: str, address: str, key: str, secret: bytes, sender: CodeSender) -> None:
    if not _accounts(kind, address):
        return
    now = now_utc()
    code = f"{secrets.randbelow(10**6):06d}"
    codes = SignInCode._get_collection()
    codes.update_many({"contact_key": key, "used": False}, {"$set": {"used": True}})
    codes.insert_one(
        {
            "_id": uuid.uuid4().hex,
            "contact_key": key,
            "code_hash": _digest(secret, key, code),
            "expires_at": now + timedelta(minutes=CODE_MINUTES),
            "used": False,
            "tries": 0,
            "created_at": now,
        }
    )
    try:
        if kind == "email":
            sender.send_email(address, code, CODE_MINUTES)
        else:
            sender.send_sms(address, code, CODE_MINUTES)
    except CodeNotSent:
        # never said to the asker (it would tell an account from a stranger), nor the code
        log.warning("a sign-in code could not be sent", extra={"channel": kind})


def contact_moved(before: dict, after: dict, sender: CodeSender) -> None:
    """Staff changed an account's sign-in contact: the old one's codes end, and the old
    address is told (if it was not the account holder who asked, they call the centre)."""
    secret = _secret()
    for kind, address in (before or {}).items():
        if not address or (after or {}).get(kind) == address:
            continue
        key = _digest(secret, kind, address)
        SignInCode._get_collection().update_many(
            {"contact_key": key, "used": False}, {"$set": {"used": True}}
        )
        if kind == "email" and kind in sender.channels:
            _pending.add(issuing := _senders.submit(sender.send_notice, address, CONTACT_MOVED))
            issuing.add_done_callback(_done)


CONTACT_MOVED = (
    "L'adresse de connexion de votre espace Relais vient d'être changée à l'accueil "
    "d'un centre de santé.\n\n"
    "Si vous ne l'avez pas demandé, appelez votre centre : votre espace ne s'ouvre plus "
    "avec cette adresse.\n"
)


def _windows(now) -> dict:
    """The fixed windows codes are counted in: this quarter of an hour, this day."""
    return {span: int(now.timestamp() // span.total_seconds()) for span, _ in SEND_LIMITS}


def _count_a_send(key: str, now) -> None:
    """At most SEND_LIMITS codes per contact (account or not), counted by one atomic
    conditional write per window; refused beyond."""
    accounts = SignInAccount._get_collection()
    with contextlib.suppress(DuplicateKeyError):
        accounts.update_one({"_id": key}, {"$setOnInsert": {"failures": 0}}, upsert=True)
    windows = _windows(now)
    for index, (span, _) in enumerate(SEND_LIMITS):
        window, count = f"w{index}", f"c{index}"
        # a new window starts from nought (once: conditional on the old window)
        accounts.update_one(
            {"_id": key, window: {"$ne": windows[span]}},
            {"$set": {window: windows[span], count: 0}},
        )
    under = {f"c{i}": {"$lt": limit} for i, (_, limit) in enumerate(SEND_LIMITS)}
    counted = accounts.update_one(
        {
            "_id": key,
            **{f"w{i}": windows[span] for i, (span, _) in enumerate(SEND_LIMITS)},
            **under,
        },
        {"$inc": {f"c{i}": 1 for i in range(len(SEND_LIMITS))}},
    )
    if not counted.modified_count:
        raise TooManyRequests(
            "too_many_codes",
            "too many codes asked for this contact (3 a quarter of an hour, 10 a day): "
            "wait before asking again",
        )


def verify(contact: str, code: str, patient_id: str | None = None) -> str:
    """The patient id the code opens, or a refusal (wrong, expired, used, locked).

    Each try is reserved on the code by one atomic write before the comparison, so a
    code is compared at most MAX_TRIES times, however many tries arrive at once."""
    found = normalise(contact)
    if found is None or not (len(code) == 6 and code.isdigit()):
        raise _wrong()
    kind, address = found
    secret = _secret()
    key = _digest(secret, kind, address)
    now = now_utc()
    accounts = SignInAccount._get_collection()
    state = accounts.find_one({"_id": key}) or {}
    if state.get("locked_until") and state["locked_until"] > now:
        raise _locked()
    codes = SignInCode._get_collection()
    live = {"contact_key": key, "used": False, "expires_at": {"$gt": now}}
    stored = codes.find_one_and_update(
        {**live, "tries": {"$lt": MAX_TRIES}},
        {"$inc": {"tries": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if stored is None or not hmac.compare_digest(stored["code_hash"], _digest(secret, key, code)):
        _failed(key, now, stored)
        raise _wrong()
    ids = [doc["_id"] for doc in _accounts(kind, address)]
    if not ids:
        raise _wrong()
    if len(ids) > 1 and patient_id not in ids:
        codes.update_one({"_id": stored["_id"]}, {"$inc": {"tries": -1}})  # not a wrong try
        raise Conflict(
            "choose_patient",
            "this contact signs in for several people: say which one (patient_id)",
            patients=[_choice(doc) for doc in _accounts(kind, address)],
        )
    used = codes.update_one({"_id": stored["_id"], "used": False}, {"$set": {"used": True}})
    if not used.modified_count:  # the same code used at the same moment by another request
        raise _wrong()
    accounts.update_one({"_id": key}, {"$set": {"failures": 0}})
    return patient_id if len(ids) > 1 else ids[0]


def _failed(key: str, now, stored: dict | None) -> None:
    """A wrong try; the fifth in a row (on the contact, or on one code) locks the contact
    for LOCK_MINUTES and ends its codes."""
    accounts = SignInAccount._get_collection()
    with contextlib.suppress(DuplicateKeyError):
        accounts.update_one({"_id": key}, {"$setOnInsert": {"failures": 0}}, upsert=True)
    state = accounts.find_one_and_update(
        {"_id": key}, {"$inc": {"failures": 1}}, return_document=ReturnDocument.AFTER
    )
    if state["failures"] >= MAX_TRIES or (stored and stored["tries"] >= MAX_TRIES):
        accounts.update_one(
            {"_id": key},
            {"$set": {"failures": 0, "locked_until": now + timedelta(minutes=LOCK_MINUTES)}},
        )
        SignInCode._get_collection().update_many(
            {"contact_key": key, "used": False}, {"$set": {"used": True}}
        )


def _locked() -> TooManyRequests:
    return TooManyRequests(
        "sign_in_locked",
        f"too many wrong codes: try again in {LOCK_MINUTES} minutes with a new code",
    )


def _wrong() -> Unauthorized:
    return Unauthorized("code_invalid", "this code is not valid (wrong, expired or used)")


def _choice(doc: dict) -> dict:
    return {
        "patient_id": doc["_id"],
        "first_given_name": doc.get("first_given_name"),
        "birth_year": doc["birth_date"].year,
    }
