"""How often alerts are right, scored strictly, beside a random alerter as frequent.

- :mod:`targets`: which labels each alert kind finds, the grace after an episode, subjects;
- :mod:`matching`: one alert finds at most one episode; repeats and false alerts;
- :mod:`span`: each home's judged window (after learning), the unit of every rate;
- :mod:`scoring` and :mod:`figures`: the counts and the report per alert kind;
- :mod:`chance`: the random alerter; :mod:`tables`: markdown;
- :mod:`cohorts`, :mod:`stress_predict`, :mod:`real_homes`, :mod:`how_well`: what
  ``scripts/evaluate`` runs (``python -m detectors.evaluation``).
"""

from detectors.evaluation.chance import Chance, Spread
from detectors.evaluation.figures import PER_DAYS, KindReport, Report, evaluate
from detectors.evaluation.span import Seen, Window, judged, scan
from detectors.evaluation.tables import markdown
from detectors.evaluation.targets import GRACE, TARGETS, subject_of

__all__ = [
    "GRACE",
    "PER_DAYS",
    "TARGETS",
    "Chance",
    "KindReport",
    "Report",
    "Seen",
    "Spread",
    "Window",
    "evaluate",
    "judged",
    "markdown",
    "scan",
    "subject_of",
]
