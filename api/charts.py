"""Small inline SVG charts for the dashboards (no JavaScript, no third-party code)."""

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 320, 120, 18


def bar_chart(points: Sequence[tuple[str, float | None]], title: str, unit: str) -> Markup:
    """Bars for ``(label, value)`` points; a missing value leaves a gap.

    Examples
    --------
    >>> svg = bar_chart([("1 Nov", 1.2), ("2 Nov", None), ("3 Nov", 0.6)], "Drinking", "l")
    >>> svg.count("<rect"), "Drinking" in svg, 'role="img"' in svg
    (2, True, True)
    """
    values = [v for _, v in points if v is not None]
    top = max(values, default=0.0) or 1.0
    slot = (WIDTH - 2 * PAD) / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        if value is None:
            continue
        height = (HEIGHT - 2 * PAD) * value / top
        x = PAD + index * slot + slot * 0.15
        y = HEIGHT - PAD - height
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}">'
            f"<title>{escape(label)}: {value:g} {escape(unit)}</title></rect>"
        )
    first = escape(points[0][0]) if points else ""
    last = escape(points[-1][0]) if points else ""
    summary = f"{title}: {len(values)} days, highest {top:g} {unit}" if values else title
    # Every piece of text inside was escaped above; the rest is numbers we formatted.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary)}" preserveAspectRatio="none">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'class="axis"/>'
        f"{''.join(bars)}"
        f'<text x="{PAD}" y="{HEIGHT - 4}" class="tick">{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 4}" class="tick" text-anchor="end">{last}</text>'
        f'<text x="{PAD}" y="12" class="tick">{top:g} {escape(unit)}</text>'
        "</svg>"
    )
