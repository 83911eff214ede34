"""Whole numbers and sums of money in Vietnamese, as a fine is written on a decision.

A sanction decision states the fine in figures and in words ("5.000.000
đồng (Bằng chữ: Năm triệu đồng)"): the words are what cannot be altered by
adding a digit.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _three_digits(n: int, full: bool) -> list[str]:
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if full or hundreds:
                words.append("linh")
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(DIGITS[units])
    return words


def number_in_words(n: int) -> str:
    """Vietnamese words for a whole number, as written on a fine ("năm triệu")."""
    if n == 0:
        return "không"
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _three_digits(group, full=index < len(groups) - 1)
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def money_in_figures(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " đồng"


def money_in_words(n: int) -> str:
    text = number_in_words(n)
    return text[:1].upper() + text[1:] + " đồng"
