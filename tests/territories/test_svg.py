"""The SVG renderer is pure Python: no database, no Django."""

import re

from essaim.territories import svg
from tests.territories.dataset import square


def _feature(name, geometry, population=100):
    return {"name": name, "population": population, "geometry": geometry}


def test_render_svg_draws_one_path_per_feature_with_title_and_link():
    """Each feature gets a path with its <title> and, when given, a link out of the tab order."""
    features = [_feature("Lille", square(3.0, 50.6)), _feature("Roubaix", square(3.1, 50.6))]

    output = svg.render_svg(
        features,
        width=200,
        title_for=lambda f: f"{f['name']} : {f['population']} hab.",
        href_for=lambda f: f"/communes/{f['name']}/",
        fill_for=lambda f: "#123456",
        label="Carte de test",
    )

    assert output.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 200 ')
    # Links inside: a labelled group, never an image (whose content is presentational).
    assert 'role="group" aria-label="Carte de test"' in output
    assert output.count("<path") == 2
    assert '<a href="/communes/Lille/" tabindex="-1"><path d="M' in output
    assert "<title>Lille : 100 hab.</title>" in output
    assert 'fill="#123456"' in output


def test_render_svg_without_links_is_a_labelled_image():
    output = svg.render_svg([_feature("Lille", square(3.0, 50.6))], width=200, label="Carte sans lien")

    assert 'role="img" aria-label="Carte sans lien"' in output
    assert "<a " not in output


def test_render_svg_scales_x_by_cosine_of_latitude():
    """A square in degrees at 50° N is about 0.64 times as wide as it is high."""
    output = svg.render_svg([_feature("A", square(3.0, 50.0, 1.0))], width=100, padding=0)

    height = int(re.search(r'viewBox="0 0 100 (\d+)"', output).group(1))
    assert height in (157, 158)  # 100 / cos(50.5°) ≈ 157.2, rounded up


def test_render_svg_escapes_text():
    """Names and links are escaped, so the output can be marked safe."""
    output = svg.render_svg(
        [_feature('<script>"x"</script>', square(3.0, 50.0))],
        title_for=lambda f: f["name"],
        href_for=lambda f: '/a?b="c"',
        label="<b>",
    )

    assert "<script>" not in output
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in output
    assert 'href="/a?b=&quot;c&quot;"' in output
    assert 'aria-label="&lt;b&gt;"' in output


def test_render_svg_uses_relative_integer_moves_and_drops_collinear_points():
    """Paths are short: M x y then relative moves; points on a straight edge are dropped."""
    ring = [[3.0, 50.0], [3.05, 50.0], [3.1, 50.0], [3.1, 50.1], [3.0, 50.1], [3.0, 50.0]]
    output = svg.render_svg([_feature("A", {"type": "Polygon", "coordinates": [ring]})], width=100, padding=0)

    d = re.search(r' d="([^"]+)"', output).group(1)
    assert re.fullmatch(r"M\d+ \d+l[-\d ]+z", d)
    assert d == "M0 156l100 0 0-156-100 0z"  # the four corners only, not the midpoint


def test_render_svg_keeps_shared_borders_identical():
    """Two neighbours sharing an edge get the same rounded coordinates on it (no gap)."""
    edge = 3.0 + 0.1234567
    left = square(3.0, 50.0, 0.1234567)
    right = {"type": "Polygon", "coordinates": [[[edge, 50.0], [3.3, 50.0], [3.3, 50.1234567], [edge, 50.1234567]]]}

    output = svg.render_svg([_feature("L", left), _feature("R", right)], width=333, padding=3)

    def absolute_points(d):
        x, y = map(int, re.match(r"M(-?\d+) (-?\d+)", d).groups())
        points = {(x, y)}
        for dx, dy in re.findall(r"(-?\d+) ?(-?\d+)", d.split("l", 1)[1]):
            x, y = x + int(dx), y + int(dy)
            points.add((x, y))
        return points

    left_points, right_points = (absolute_points(d) for d in re.findall(r' d="([^"]+)"', output))
    assert len(left_points & right_points) == 2


def test_render_svg_draws_the_outline_on_top_without_fill():
    """The territory's own contour is drawn last, unfilled, ignoring the pointer."""
    output = svg.render_svg(
        [_feature("A", square(3.0, 50.0))], outline=square(2.9, 49.9, 0.3), title_for=lambda f: f["name"]
    )

    assert output.count("<path") == 2
    last_path = output[output.rindex("<path") :]
    assert output.index("<title>") < output.rindex("<path")
    assert 'fill="none"' in last_path
    assert 'pointer-events="none"' in last_path


def test_render_svg_handles_multipolygons_and_holes():
    """A MultiPolygon gives one path with one subpath per ring; even-odd fill keeps holes empty."""
    hole = [[3.02, 50.02], [3.02, 50.05], [3.05, 50.05], [3.05, 50.02], [3.02, 50.02]]
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [[square(3.0, 50.0)["coordinates"][0], hole], square(3.2, 50.0)["coordinates"]],
    }

    output = svg.render_svg([_feature("A", geometry)], width=400)

    assert output.count("<path") == 1
    assert re.search(r' d="([^"]+)"', output).group(1).count("M") == 3
    assert 'fill-rule="evenodd"' in output


def test_render_svg_reads_contour_attribute_of_objects():
    """Model instances (anything with ``contour``) work without ``geometry_for``."""

    class Commune:
        contour = square(3.0, 50.0)

    assert "<path" in svg.render_svg([Commune()])


def test_render_svg_returns_empty_string_without_geometry():
    """Nothing to draw: no <svg> at all, the template shows a message instead."""
    assert svg.render_svg([_feature("A", None)]) == ""
    assert svg.render_svg([]) == ""


def test_area_km2_of_a_tenth_of_a_degree_at_50_north():
    """0.1° × 0.1° at 50° N is about 11.1 km × 7.2 km."""
    assert 78 < svg.area_km2(square(3.0, 50.0)) < 81
    assert svg.area_km2(None) == 0


def test_class_breaks_and_colours_are_quantiles():
    """Values fall in quantile classes, light for small values and dark for large ones."""
    breaks = svg.class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])

    assert breaks == [2, 4, 6, 8, 10]
    assert svg.class_colour(1, breaks) == svg.SEQUENTIAL_BLUES[0]
    assert svg.class_colour(10, breaks) == svg.SEQUENTIAL_BLUES[-1]
    assert svg.class_breaks([]) == []
    assert svg.class_colour(5, svg.class_breaks([5, 5, 5])) == svg.SEQUENTIAL_BLUES[2]
