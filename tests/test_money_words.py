"""Amounts in capital Chinese numerals (大写金额) and in figures for the locale."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicedesk import i18n
from servicedesk.domain.money import Money, in_words

KNOWN = {
    "1234.50": "壹仟贰佰叁拾肆元伍角整",
    "1234.56": "壹仟贰佰叁拾肆元伍角陆分",
    "1005.00": "壹仟零伍元整",
    "10.00": "壹拾元整",
    "10.50": "壹拾元伍角整",
    "0.05": "伍分",
    "0.50": "伍角整",
    "0.00": "零元整",
    "12.05": "壹拾贰元零伍分",
    "1230.50": "壹仟贰佰叁拾元伍角整",
    "1010.00": "壹仟零壹拾元整",
    "100100.00": "壹拾万零壹佰元整",
    "10050000.00": "壹仟零伍万元整",
    "100000005.00": "壹亿零伍元整",
    "1000010000.00": "壹拾亿零壹万元整",
    "1000000.01": "壹佰万元零壹分",
}


@pytest.mark.parametrize(("amount", "words"), KNOWN.items())
def test_known_amounts_in_words(amount: str, words: str) -> None:
    assert in_words(Money.of(amount)) == words


DIGITS = "零壹贰叁肆伍陆柒捌玖"


def textbook(fen: int) -> str:
    """The rewriting taught for writing cheques: every digit with its unit, then the zeros go.

    An independent oracle: it writes ``1005`` as 壹仟零佰零拾伍 and lets regular
    expressions remove what the rules say is not written.
    """
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    units = ["", "拾", "佰", "仟", "万", "拾", "佰", "仟", "亿", "拾", "佰", "仟", "万"]
    text = "".join(DIGITS[int(d)] + units[len(str(yuan)) - 1 - i] for i, d in enumerate(str(yuan)))
    text = re.sub("零[拾佰仟]", "零", text)
    text = re.sub("零+", "零", text)
    text = text.replace("零亿", "亿").replace("零万", "万").replace("亿万", "亿")
    text = re.sub("零+$", "", text)
    text = "" if yuan == 0 else text + "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif cent and text:
        text += "零"
    if cent:
        text += DIGITS[cent] + "分"
    return (text or "零元") + ("" if cent else "整")


@given(st.integers(min_value=0, max_value=10**13 - 1))
def test_in_words_agrees_with_the_textbook_rewriting(fen: int) -> None:
    assert in_words(Money.from_fen(fen)) == textbook(fen)


@given(st.integers(min_value=1, max_value=10**12))
def test_a_negative_amount_is_its_opposite_with_fu(fen: int) -> None:
    assert in_words(Money.from_fen(-fen)) == "负" + in_words(Money.from_fen(fen))


def test_money_is_written_for_the_locale() -> None:
    amount = Money.of("1234.50")
    assert str(amount) == "1,234.50 CNY"
    with i18n.locale("zh_CN"):
        assert str(amount) == "¥1,234.50"
        assert str(-amount) == "-¥1,234.50"
    assert str(Money(Decimal("0.05"))) == "0.05 CNY"
