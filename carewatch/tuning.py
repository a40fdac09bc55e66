"""Carers' feedback that tunes: how much stricter a home's detectors are, per alert kind.

Shared by the API (which counts the steps), the policy that carries them and the
detectors (which apply them).

Decision D122. Each "not useful" on an alert takes that home's alert kind one step
stricter, each "useful" one step back, between 0 (the documented rules) and
:data:`MAX_STEPS`. A step multiplies how far from usual something must be before the
detector raises by :data:`STEP` more: the silence, trip or heart-rate rise it tolerates,
the drinking shortfall in spreads, the surprise (minus log chance) of the night counts.
Safety bounds are never tuned: the door at night, a heart rate outside the safe range, a
silent gateway.
"""

STEP = 0.25  # each step asks for a quarter more than the documented rule
MAX_STEPS = 3  # at most 1.75 × the documented rule: feedback cannot silence a detector


def clamp(steps: int) -> int:
    """``steps`` within the documented bounds, 0 to :data:`MAX_STEPS`.

    >>> clamp(-1), clamp(2), clamp(9)
    (0, 2, 3)
    """
    return min(max(steps, 0), MAX_STEPS)


def factor(steps: int) -> float:
    """How many times the documented rule's distance from usual ``steps`` asks for.

    >>> factor(0), factor(1), factor(7)
    (1.0, 1.25, 1.75)
    """
    return 1.0 + STEP * clamp(steps)


def after_feedback(steps: int, useful: bool) -> int:
    """A kind's steps after one carer's word on one of its alerts.

    >>> after_feedback(0, useful=False), after_feedback(3, useful=False)
    (1, 3)
    >>> after_feedback(2, useful=True), after_feedback(0, useful=True)
    (1, 0)
    """
    return clamp(steps - 1 if useful else steps + 1)
