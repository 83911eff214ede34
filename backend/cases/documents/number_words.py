"""Whole numbers and sums of money in Vietnamese, as a fine is written on a decision.

A sanction decision states the fine in figures and in words ("5.000.000
đồng (Bằng chữ: Năm triệu đồng)"): the words are what cannot be altered by
adding a digit. The words come from num2words' Vietnamese, a maintained
library, rather than tables of our own.
"""

from __future__ import annotations

from num2words import num2words


def number_in_words(n: int) -> str:
    """Vietnamese words for a whole number ("năm triệu")."""
    return str(num2words(n, lang="vi"))


def money_in_figures(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " đồng"


def money_in_words(n: int) -> str:
    text = number_in_words(n)
    return text[:1].upper() + text[1:] + " đồng"
