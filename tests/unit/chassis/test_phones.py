"""Phone numbers kept as E.164: metropolitan and overseas French numbers, as people write them."""

import pytest

from chassis.phones import normalise_phone


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("05 55 62 10 01", "+33555621001"),
        ("06.71.20.30.03", "+33671203003"),
        ("+33 5 55 62 10 01", "+33555621001"),
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe, mobile
        ("0696 12 34 56", "+596696123456"),  # Martinique, mobile
        ("0262 12 34 56", "+262262123456"),  # La Réunion
        ("0694 12 34 56", "+594694123456"),  # Guyane, mobile
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_french_numbers_from_everywhere_are_kept(typed, kept):
    assert normalise_phone(typed) == kept


@pytest.mark.parametrize("typed", ["12", "05 55", "abc", "06 71 20 30 03 99 99"])
def test_what_is_not_a_number_is_refused(typed):
    assert normalise_phone(typed) is None
