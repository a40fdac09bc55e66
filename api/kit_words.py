"""What a home's sensors cannot watch, in the reader's language (D121, D126).

:mod:`carewatch.kit` decides which alert kinds a home's kit leaves unarmed or in part,
and marks its reasons for the catalogue; the words of the page are made here, so that
package never needs the API.
"""

from collections.abc import Iterable

from api.alert_words import kind_name
from api.i18n import ENGLISH, N_, Words
from carewatch.kit import Gap, limited_gaps, unarmed_gaps
from carewatch.protocol import AlertKind, Kind

SENSOR_NAMES = {
    Kind.CHAIR: N_("chair"),
    Kind.BED: N_("bed"),
    Kind.TAP: N_("tap"),
    Kind.TOILET: N_("toilet"),
    Kind.HEART_RATE: N_("heart rate"),
    Kind.MOTION: N_("motion"),
    Kind.DOOR: N_("door"),
}


def sensor_name(kind: Kind, words: Words = ENGLISH) -> str:
    """A sensor kind's name: ``'heart rate'``, ``'frecuencia cardiaca'``."""
    return words.gettext(SENSOR_NAMES[kind])


def unarmed_words(
    kinds: Iterable[Kind], withheld: Iterable[Kind] = (), words: Words = ENGLISH
) -> list[str]:
    """The alert kinds this kit cannot raise, each with why, sorted as read.

    >>> unarmed_words({Kind.BED, Kind.MOTION, Kind.TAP}, words=Words("es"))[0]
    'estrés: no hay ninguna pulsera en esta casa'
    """
    gaps = unarmed_gaps(kinds, withheld)
    return sorted(_line(N_("%(kind)s: %(why)s"), alert, why, words) for alert, why in gaps.items())


def limited_words(
    kinds: Iterable[Kind], withheld: Iterable[Kind] = (), words: Words = ENGLISH
) -> list[str]:
    """The armed alert kinds that cannot judge every part of their rule, with what.

    >>> limited_words({Kind.BED, Kind.MOTION, Kind.TOILET})[0]
    'inactivity: cannot judge going out (no door sensor: a silence after the room they \
usually leave from waits for their usual outing length)'
    """
    gaps = limited_gaps(kinds, withheld)
    pattern = N_("%(kind)s: cannot judge %(why)s")
    return sorted(_line(pattern, alert, why, words) for alert, why in gaps.items())


def _line(pattern: str, alert: AlertKind, gaps: list[Gap], words: Words) -> str:
    why = "; ".join(_gap(gap, words) for gap in gaps)
    return words.gettext(pattern) % {"kind": kind_name(alert, words), "why": why}


def _gap(gap: Gap, words: Words) -> str:
    if not gap.withheld:
        return words.gettext(gap.reason)
    refused = words.either([sensor_name(kind, words) for kind in gap.withheld])
    return words.gettext("no consent to collect %(kinds)s") % {"kinds": refused}
