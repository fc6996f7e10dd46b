"""The frieze printed in the PDF: every project on a page-sized chart, one time axis for all."""

import re
from types import SimpleNamespace

from essaim.projects.enums import ProjectStage as S
from essaim.steering import charts, progress
from tests.steering.factories import at


def _line(index: int, *, late: bool):
    segments = [
        progress.Segment(S.IDEA, at(2021 + index % 3, 1, 10), at(2024, 3, 1), is_current=False, overdue=late),
        progress.Segment(S.OPPORTUNITY_STUDY, at(2024, 3, 1), at(2025, 6, 30), is_current=True, overdue=False),
    ]
    project = SimpleNamespace(name=f"Projet fictif {index}")
    return SimpleNamespace(project=project, segments=segments, is_late=late)


def test_print_frieze_is_cut_into_page_sized_charts_on_one_axis():
    lines = [_line(index, late=index % 4 == 0) for index in range(50)]
    printed = charts.timeline_charts_for_print(lines, until=at(2025, 6, 30), rows=24)
    assert len(printed) == 3 and "(1/3)" in printed[0] and "(3/3)" in printed[2]
    names = [re.findall(r"Projet fictif \d+", svg) for svg in printed]
    assert [len(found) for found in names] == [24, 24, 2]
    assert sum(names, []) == [f"Projet fictif {index}" for index in range(50)]  # every project, in order
    # One time axis: the 2021 tick sits at the same x in every chart, even the last one (projects of 2022).
    ticks = [re.search(r'<text x="([\d.]+)" y="14"[^>]*>2021</text>', svg).group(1) for svg in printed]
    assert len(set(ticks)) == 1
    # No hover texts on paper, and each chart's hatch pattern has its own id.
    assert all("<rect" in svg and "</title></rect>" not in svg for svg in printed)
    assert 'id="timeline-2-late-hatch"' in printed[1] and "url(#timeline-2-late-hatch)" in printed[1]


def test_screen_frieze_keeps_its_hover_texts():
    svg = charts.timeline_chart([_line(0, late=True)], until=at(2025, 6, 30))
    assert "</title></rect>" in svg and "en retard" in svg and 'id="timeline-late-hatch"' in svg
    assert charts.timeline_charts_for_print([], until=at(2025, 6, 30)) == []
