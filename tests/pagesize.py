"""A page's size in bytes, bounded whatever the data (issue 13): the list pages paginate or summarise what
grows, so a page read with clearly more data (here: several pages more) weighs what it weighed with less,
but for its counts (« 1 234 projets ») and its pager. Checked beside the query counts, at two sizes."""

# What may still differ between the two sizes: counts and page numbers (a few digits each), a pager that
# appears or gains a link, names of rows that are one digit longer.
SLACK_BYTES = 1_500
SLACK_RATIO = 0.02


def assert_size_bounded(small, big) -> None:
    """``big`` (the page read with more data) weighs at most ``small`` plus a small slack."""
    small_size = small if isinstance(small, int) else len(small.content)
    big_size = big if isinstance(big, int) else len(big.content)
    assert big_size <= small_size * (1 + SLACK_RATIO) + SLACK_BYTES, (
        f"la page grossit avec les données : {small_size} octets, puis {big_size} octets"
    )
