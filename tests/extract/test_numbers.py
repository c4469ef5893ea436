import cn2an
from hypothesis import given
from hypothesis import strategies as st

from ingest.extract.numbers import find_quantities, parse_numeral


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_numerals_round_trip(n):
    assert parse_numeral(cn2an.an2cn(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_numerals_round_trip(n):
    assert parse_numeral(str(n)) == n


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["个", "件", "人", "条", "家"]))
def test_counts_in_text(n, unit):
    for written in (str(n), cn2an.an2cn(n)):
        (q,) = find_quantities(f"发现问题{written}{unit},")
        assert (q.value, q.approx, q.unit) == (n, False, unit)


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["{n}余个", "{n}多个", "近{n}个", "约{n}个", "超过{n}个", "{n}个以上", "{n}个左右"]))
def test_hedges(n, form):
    (q,) = find_quantities(form.format(n=n))
    assert (q.value, q.approx) == (n, True)


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=9))
def test_money_in_wan(whole, tenth):
    (q,) = find_quantities(f"收缴资金{whole}.{tenth}万元")
    assert q.unit == "元" and abs(q.value - (whole * 10 + tenth) * 1000) < 1e-6


def test_forms():
    def one(text):
        (q,) = find_quantities(text)
        return q.value, q.approx, q.unit

    assert one("4万余元") == (40000, True, "元")
    assert one("1.2亿元") == (120000000, False, "元")
    assert one("两万元") == (20000, False, "元")
    assert one("上万人") == (10000, True, "人")
    assert one("十余个") == (10, True, "个")
    assert one("96%") == (96, False, "%")
    assert one("95%以上") == (95, True, "%")
    assert one("百分之九十五") == (95, False, "%")
    assert one("20余轮次") == (20, True, "轮次")


def test_not_counts():
    assert list(find_quantities("第三轮巡察")) == []  # ordinal
    assert list(find_quantities("数十个单位")) == []  # vague
    assert list(find_quantities("2022年3月8日")) == []  # a date
    assert list(find_quantities("一是加强领导")) == []
