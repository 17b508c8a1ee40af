"""From "a patient is a name and a birth date" to identities: records' side, once.

A record of the old shape (``family_name``, ``given_name``) keeps its id and
everything written in it; its name becomes the identity's birth name and first
given name, and it is ``provisional`` until booking's validation event says
otherwise (booking's own migration announces the validated ones).  Each record
is rewritten by one conditional write on its old shape, so a second run finds
nothing to do.
"""

from __future__ import annotations

from services.records.documents import Consultation, PatientRecord

OLD = {"family_name": {"$exists": True}}


def migrate() -> dict:
    collection = PatientRecord._get_collection()
    counts = {"records": collection.count_documents({}), "migrated": 0}
    for doc in list(collection.find(OLD)):
        fields = {}
        if "birth_name" not in doc:  # a validation may have arrived first
            fields = {
                "birth_name": doc["family_name"],
                "first_given_name": doc["given_name"],
                "given_names": [doc["given_name"]],
                "identity_status": doc.get("identity_status", "provisional"),
            }
        update = {"$unset": {"family_name": "", "given_name": ""}}
        if fields:
            update["$set"] = fields
        counts["migrated"] += collection.update_one(
            {"_id": doc["_id"], **OLD}, update
        ).modified_count
    counts["already"] = counts["records"] - counts["migrated"]
    counts["consultations"] = Consultation._get_collection().count_documents({})
    return counts
