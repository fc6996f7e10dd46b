"""What a page rendered, read from its HTML (for tests that must fail on an empty list)."""

from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []  # per <tbody> row, the text of each of its cells
        self._tbody = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._tbody += 1
        elif tag == "tr" and self._tbody:
            self.rows.append([])
        elif tag in ("td", "th") and self._tbody and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._tbody -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(response_or_html) -> list[str]:
    """The text of each row of the page's table bodies, in order: each cell's text with its whitespace
    collapsed (a tag inside a cell counts as a space), cells joined by « | »."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _Rows()
    parser.feed(html)
    return [" | ".join(cells) for cells in parser.rows]
