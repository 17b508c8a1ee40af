"""Birth places: INSEE codes from the shipped Code officiel géographique."""

from contracts import birthplaces


def test_the_list_names_its_source_and_holds_current_and_former_communes():
    assert "@etalab/decoupage-administratif" in birthplaces.source()
    assert birthplaces.commune("23096").name == "Guéret"
    former = [c for c in birthplaces.search("arbignieu") if c.code == "01015"]
    assert former and former[0].kind == "commune déléguée"  # merged since: still findable


def test_a_search_ignores_accents_and_puts_the_commune_named_so_first():
    found = birthplaces.search("GUERET")
    assert found[0].code == "23096"
    assert [c.code for c in birthplaces.search("saint sulpice laur")] == ["87181"]
    assert birthplaces.search("g") == []


def test_codes_are_checked():
    assert birthplaces.problem("23096") is None
    assert birthplaces.problem("2A004") is None  # Ajaccio
    assert birthplaces.problem("99134") is None  # a country: its form only
    assert birthplaces.problem("99999") is None  # not known
    assert "commune" in birthplaces.problem("23999")
    assert "commune" in birthplaces.problem("99100")  # France is a commune's code
    assert "INSEE" in birthplaces.problem("ABCDE")
    assert birthplaces.label("23096") == "Guéret (23)"
