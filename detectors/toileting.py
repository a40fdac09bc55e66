"""Night toileting: more toilet visits at night than usual, night after night (a UTI sign).

Rule (docs/detectors.md): a visit is a flush while the resident's night is on
(:class:`detectors.view.NightView`: in bed inside their learnt sleep window) and they
are out of bed (a flush while the bed says they are in it is a guest's or a
partner's). A night is over once they have been up for the day for an hour; nights
shorter than ``MIN_NIGHT`` (a bed in doubt, a night away) teach and judge nothing.
Each night's count goes to :class:`detectors.night_counts.NightCounts`; when the last
3 to 5 nights together are more than their usual makes likely (chance below
``toileting_chance``) and the rise is persistent, one alert. The episode ends when the
last three nights are back within ordinary chance (above ``RECOVERED``), or after
``LONGEST`` nights (a new normal, learnt from then on); no new one for ``COOL`` nights.
Needs a flush sensor and a bed sensor (carewatch/kit.py): bathroom motion cannot tell
a void from a wash, a pet or a partner, and without the bed there is no night to count.
"""

from carewatch.phrases import N_, ngettext
from carewatch.protocol import Alert, AlertKind, Kind, Severity
from detectors.alerts import make_alert
from detectors.config import HOUR
from detectors.contract import Detector
from detectors.night_counts import NightCounts
from detectors.view import HomeView, Output

SETTLED = 1 * HOUR  # up this long after the night: it is over (back sooner: the same night)
MIN_NIGHT = 3 * HOUR  # a shorter "night" is a doubtful bed, not a night to count
MIN_LEARNT = 7  # usual nights before anything is judged
RECOVERED = 0.2  # the last three nights are this ordinary: the episode is over
LONGEST = 14  # nights an episode may stay open before the rise is the new normal
COOL = 5  # nights after an episode before another can start


class NightToileting(Detector):
    """This night's toilet visits, the last nights' and the resident's usual."""

    wants = frozenset({Kind.TOILET})

    def __init__(self) -> None:
        self.counts = NightCounts()
        self.visits = 0  # this night's, so far
        self.began = 0.0  # this night began (0: no night yet)
        self.ended = 0.0  # … and they got up (0: still in it)
        self.nights: list[tuple[float, int]] = []  # the last nights: (began, visits)
        self.open_nights = 0  # nights the open episode has lasted (0: none open)
        self.cool = 0  # nights still to pass before another episode

    def on_event(self, home: HomeView, kind: Kind, ts: float, value: float, out: Output) -> None:
        """A flush: a night visit if their night is on and they are out of bed."""
        if home.night.in_night and not home.in_bed:
            self.visits += 1
            self.began = self.began or ts

    def check(self, home: HomeView, now: float, out: Output) -> None:
        """Follow the night; once it is over, count it and judge the last nights."""
        if home.night.in_night:
            self.began, self.ended = self.began or now, 0.0
        elif self.began and not self.ended:
            self.ended = now
        elif self.ended and now - self.ended >= SETTLED:
            if self.ended - self.began >= MIN_NIGHT and Kind.TOILET in home.kinds:
                self._night_over(home, now, out)
            self.visits, self.began, self.ended = 0, 0.0, 0.0

    def _night_over(self, home: HomeView, now: float, out: Output) -> None:
        self.counts.add(self.visits, learn=not self.open_nights)
        self.nights = [*self.nights[-4:], (self.began, self.visits)]
        self.cool = max(0, self.cool - 1)
        if self.open_nights:
            self.open_nights += 1
            recovered = self.counts.tail(sum(self.counts.last(3)), 3) > RECOVERED
            if recovered or self.open_nights > LONGEST:
                self.open_nights, self.cool = 0, COOL
                self.counts.forget_recent()
            return
        if home.learning or self.cool or self.counts.learnt < MIN_LEARNT:
            return
        nights, chance = self.counts.rise()
        # stricter: the surprise (minus log chance) must be that many times the rule's
        limit = home.cfg.toileting_chance ** home.strictness(AlertKind.NIGHT_TOILETING)
        if nights and chance < limit:
            self.open_nights = 1
            out.append(self._alert(home, now, nights, chance))

    def _alert(self, home: HomeView, now: float, k: int, chance: float) -> Alert:
        visits = self.counts.last(k)
        usual = self.counts.mean()
        each = N_(
            "%(before)s and %(last)d",
            before=", ".join(map(str, visits[:-1])),
            last=visits[-1],
        )
        said = [
            N_(
                "More trips to the toilet at night than usual: %(each)s times on the last "
                "%(k)d nights (%(all)d in all), where they usually go about %(usual)s a night "
                "(%(usual_all).0f in %(k)d nights).",
                each=each,
                k=k,
                all=sum(visits),
                usual=ngettext("%(count)s time", "%(count)s times", round(usual, 1)),
                usual_all=usual * k,
            ),
            N_(
                "More visits night after night can be an early sign of a urine infection: ask "
                "how they feel (a burning or urgent need to go, or more confused than usual) "
                "and whether to ask their GP for a urine test."
            ),
        ]
        evidence = {
            "night_toilet_visits": visits[-1],
            "night_toilet_visits_usual": usual,
            "night_toilet_visits_nights": sum(visits),
            "night_toilet_visits_nights_usual": usual * k,
            "nights_judged": k,
            "nights_learnt": self.counts.learnt,
            "chance_one_in": 1.0 / max(chance, 1e-9),
            "chance_one_in_alert_above": 1.0 / home.cfg.toileting_chance,
        }
        # from the first raised night of the span (a span may open on an ordinary one)
        raised = [began for began, count in self.nights[-k:] if count >= usual + 1.0]
        start = raised[0] if raised else now
        return make_alert(
            home.id, AlertKind.NIGHT_TOILETING, now, start, Severity.MEDIUM, said, evidence
        )
