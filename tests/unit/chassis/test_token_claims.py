"""A token's claims of the wrong shape are refused (401), never read another way."""

import pytest

from chassis.auth import InvalidToken, TokenIssuer, TokenVerifier

ISSUER = TokenIssuer("relais", "relais")
VERIFIER = TokenVerifier(ISSUER.public_key_pem, "relais", "relais")


@pytest.mark.parametrize("sites", [5, "*", "site-ajain", {"site-ajain": True}, [1, 2], ["a", 3]])
def test_a_sites_claim_that_is_not_a_list_of_site_ids_is_refused(sites):
    token = ISSUER.issue("coord-1", "coordinator", sites=sites)
    with pytest.raises(InvalidToken, match="sites"):
        VERIFIER.verify(token)


def test_a_list_of_site_ids_or_none_is_read_as_it_is():
    assert VERIFIER.verify(ISSUER.issue("c", "coordinator", sites=["site-ajain"])).sites == (
        "site-ajain",
    )
    assert VERIFIER.verify(ISSUER.issue("c", "coordinator", sites=None)).sites == ()
    assert VERIFIER.verify(ISSUER.issue("a", "agent")).sites == ()
    assert not VERIFIER.verify(ISSUER.issue("c", "coordinator", sites=["site-ajain"])).every_site
