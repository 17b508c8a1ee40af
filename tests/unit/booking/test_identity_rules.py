"""Identity vigilance rules, pure: INS checks, how alike two identities are."""

from datetime import date

import pytest

from services.booking.identity import Traits, display_name, likeness, matricule_problem, oid_problem


def traits(**changes) -> Traits:
    base = {
        "birth_name": "Martin",
        "first_given_name": "Camille",
        "birth_date": date(1980, 6, 15),
        "sex": "f",
        "birth_place": "23096",
    }
    return Traits.of({**base, **changes})


@pytest.mark.parametrize(
    "matricule, problem",
    [
        ("279035121518989", None),  # an INS test identity's (key 89)
        ("2790351215189" + "88", "key"),
        ("1850578006048" + f"{97 - 1850578006048 % 97:02d}", None),
        ("185052A006048" + f"{97 - 1850519006048 % 97:02d}", None),  # Corsica: 2A counts 19
        ("185052B006048" + f"{97 - 1850518006048 % 97:02d}", None),  # 2B counts 18
        ("27903512151898", "15 characters"),
        ("579035121518989", "15 characters"),  # no NIR begins with 5
        ("2790351215189AB", "15 characters"),
    ],
)
def test_a_matricule_ins_is_checked_for_its_form_and_key(matricule, problem):
    found = matricule_problem(matricule)
    assert (found is None) if problem is None else (problem in found)


def test_only_the_ins_oids_are_kept():
    assert oid_problem("1.2.250.1.213.1.4.8") is None  # INS-NIR
    assert oid_problem("1.2.250.1.213.1.4.10") is None  # INS-NIR-TEST
    assert "INS-NIR" in oid_problem("1.2.250.1.213.1.4.99")


def test_every_strict_trait_alike_is_exact():
    found = likeness(traits(), traits(birth_name="MARTIN", first_given_name="camille"))
    assert found.level == "exact" and found.different == ()


@pytest.mark.parametrize(
    "other, different",
    [({"birth_place": "87085"}, ("birth_place",)), ({"sex": "m"}, ("sex",))],
)
def test_homonyms_are_probable_never_exact(other, different):
    found = likeness(traits(), traits(**other))
    assert found.level == "probable" and found.different == different


def test_a_used_name_matches_a_birth_name_and_a_slipped_date_is_possible():
    married = traits(birth_name="Durand", used_name="Martin")
    assert likeness(traits(), married).level == "probable"
    day_and_month_swapped = traits(birth_date=date(1980, 3, 4))
    assert likeness(traits(birth_date=date(1980, 4, 3)), day_and_month_swapped).level == "possible"
    one_part_off = traits(birth_date=date(1981, 6, 15))
    assert likeness(traits(), one_part_off).level == "possible"


def test_strangers_are_not_shown():
    assert likeness(traits(), traits(birth_name="Bernard")) is None
    assert likeness(traits(), traits(birth_date=date(1955, 1, 2))) is None


def test_unknown_traits_neither_agree_nor_differ():
    found = likeness(traits(), traits(sex="unknown", birth_place="99999"))
    assert found.level == "probable" and found.different == ()


def test_staff_see_the_used_names_and_the_birth_name_beside():
    class Person:
        birth_name, used_name = "Martin", "Durand"
        first_given_name, used_given_name = "Marie", "Maïté"

    assert display_name(Person) == "Maïté Durand (naissance : Martin)"
