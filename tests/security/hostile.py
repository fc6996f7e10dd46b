"""Hostile values for the fuzzers of tests/security (hypothesis strategies).

Huge, negative, NaN, exponents, unicode digits, empty, over-long, wrong type, out-of-range ids: the
values an attacker (or a careless paste) sends where a number, a date, an id or a short text is expected.
"""

from hypothesis import strategies as st

FIXED = [
    "1e30",
    "1e309",
    "-1e309",
    "1E+999999",
    "1e-999999",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-inf",
    "-1",
    "-0",
    "99999999999999999999",  # beyond a 64-bit id
    "-99999999999999999999",
    "12345678901234567890123456",  # 26 digits
    "9" * 400,
    "0,000000001",
    "1 234 567 890 123,45",
    "1.2.3",
    "0x10",
    "٣٤",  # Arabic-Indic digits
    "１２",  # full-width digits
    "",
    " ",
    "\x00",
    "=abc",
    '=HYPERLINK("http://evil.example")',
    "<script>alert(1)</script>",
    "😀",
    "é" * 300,
    "a" * 20_000,
    "31/02/2026",
    "00/0000",
    "9999-99-99",
    "true",
    "None",
    "[]",
    '{"a": 1}',
]

hostile_text = st.one_of(
    st.sampled_from(FIXED),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=40),
)
# Several values for one name (a multiple choice, or a field posted twice).
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
