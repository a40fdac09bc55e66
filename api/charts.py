"""Small inline SVG charts for the dashboards (no JavaScript, no third-party code).

The SVG keeps its aspect ratio and scales with the page, so its labels grow with it
(a stretched chart squashed its text to a few pixels on a phone).
"""

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 360, 170, 10, 10, 22, 24


def bar_chart(
    points: Sequence[tuple[str, float | None]],
    title: str,
    unit: str,
    band: tuple[float, float] | None = None,
) -> Markup:
    """Bars for ``(label, value)`` points over the usual ``band``; a missing value is a gap.

    Examples
    --------
    >>> svg = bar_chart([("1 Nov", 1.2), ("2 Nov", None), ("3 Nov", 0.6)], "Tap", "litres",
    ...                 band=(1.0, 1.4))
    >>> svg.count("<rect"), "Tap" in svg, 'role="img"' in svg, 'class="band"' in svg
    (3, True, True, True)
    """
    values = [v for _, v in points if v is not None]
    top = max([*values, band[1] if band else 0.0]) or 1.0
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    base = HEIGHT - BOTTOM

    def y(value: float) -> float:
        return base - (base - TOP) * value / top

    shapes = []
    if band:
        shapes.append(
            f'<rect class="band" x="{LEFT}" y="{y(band[1]):.1f}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{max(y(band[0]) - y(band[1]), 1.0):.1f}"><title>usual: '
            f"{band[0]:g}-{band[1]:g} {escape(unit)}</title></rect>"
        )
    for index, (label, value) in enumerate(points):
        if value is None:
            continue
        outside = band is not None and not band[0] <= value <= band[1]
        kind = "bar out" if outside else "bar"
        shapes.append(
            f'<rect class="{kind}" x="{LEFT + (index + 0.15) * slot:.1f}"'
            f' y="{y(value):.1f}" width="{slot * 0.7:.1f}" height="{base - y(value):.1f}">'
            f"<title>{escape(label)}: {value:g} {escape(unit)}</title></rect>"
        )
    words = f"{title}: {len(values)} days, highest {max(values):g} {unit}" if values else title
    if band:
        words += f", usually {band[0]:g} to {band[1]:g}"
    return _svg(words, shapes, points, f"{top:g} {unit}")


def range_chart(
    nights: Sequence[tuple[str, tuple[float, float] | None]], title: str, first_hour: int = 18
) -> Markup:
    """Vertical spans from one clock time to another (hours after ``first_hour``), per day.

    >>> svg = range_chart([("3 Nov", (4.5, 13.0)), ("4 Nov", None)], "Sleep")
    >>> svg.count("<rect"), "22:30" in svg
    (1, True)
    """
    slot = (WIDTH - LEFT - RIGHT) / max(len(nights), 1)
    span = 20.0  # hours shown: 18:00 to 14:00
    top, base = TOP, HEIGHT - BOTTOM

    def y(hours: float) -> float:
        return top + (base - top) * hours / span

    shapes = []
    for index, (label, window) in enumerate(nights):
        if window is None:
            continue
        start, end = window
        shapes.append(
            f'<rect class="bar" x="{LEFT + (index + 0.15) * slot:.1f}" y="{y(start):.1f}" '
            f'width="{slot * 0.7:.1f}" height="{max(y(end) - y(start), 1.0):.1f}">'
            f"<title>{escape(label)}: {clock_label(start, first_hour)}-"
            f"{clock_label(end, first_hour)}</title></rect>"
        )
    known = sum(1 for _, window in nights if window)
    return _svg(f"{title}: {known} nights", shapes, nights, f"top {first_hour:02d}:00, foot 14:00")


def clock_label(hours_after: float, first_hour: int = 18) -> str:
    """The clock time ``hours_after`` hours past ``first_hour``: ``clock_label(4.5) == '22:30'``."""
    minutes = round((first_hour + hours_after) * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _svg(words: str, shapes: list[str], points: Sequence[tuple[str, object]], scale: str) -> Markup:
    first = escape(points[0][0]) if points else ""
    last = escape(points[-1][0]) if points else ""
    # Every piece of text inside was escaped above; the rest is numbers we formatted.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(words)}">'
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'class="axis"/>'
        f"{''.join(shapes)}"
        f'<text x="{LEFT}" y="{HEIGHT - 6}" class="tick">{first}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" class="tick" text-anchor="end">{last}</text>'
        f'<text x="{LEFT}" y="15" class="tick">{escape(scale)}</text>'
        "</svg>"
    )
