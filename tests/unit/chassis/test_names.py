"""One name rule for everybody's names: letters, single separators, nothing invisible."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from chassis.names import PersonName, clean_name, name_key, name_problem


class Named(Schema):
    name = PersonName(required=True)


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("  Le   Gall ", "Le Gall"),
        ("N\u2019Diaye", "N'Diaye"),
        ("e\u0301lise", "élise"),  # NFC: one é however it was typed
        ("Nguyễn", "Nguyễn"),
        ("Дмитрий", "Дмитрий"),
        ("O", "O"),
    ],
)
def test_names_are_kept_clean(typed, kept):
    assert Named().load({"name": typed}) == {"name": kept}


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "\u200b\u200b",
        "Jean\u202eluc",
        "Jean\u200dLuc",
        "-Jean",
        "Jean-",
        "Jean--Luc",
        "J3an",
        "Jean_",
        "x" * 101,
        "\u0301a",
    ],
)
def test_names_with_no_letter_or_with_hidden_or_foreign_characters_are_refused(typed):
    with pytest.raises(ValidationError) as refused:
        Named().load({"name": typed})
    assert "name" in refused.value.messages


@given(st.text(max_size=40))
def test_a_kept_name_is_stable_and_has_a_search_key(text):
    cleaned = clean_name(text)
    if name_problem(cleaned) is None:
        assert clean_name(cleaned) == cleaned
        assert name_key(cleaned)  # never an empty key: it can be searched
        assert not any(ch.isspace() and ch != " " for ch in cleaned)


def test_search_keys_ignore_accents_case_and_punctuation():
    assert name_key("Lefèvre-Élie") == name_key("LEFEVRE ELIE") == "lefevre elie"
    assert name_key("D'Aubigné") == "d aubigne"
