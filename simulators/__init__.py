"""Virtual residents with labelled scenarios: seeded, reproducible test data.

>>> from simulators import make_cohort, simulate_home
>>> sim = simulate_home(make_cohort(1, seed=1)[0], days=1, seed=1)
>>> sim.readings[0].home
'home-001'
"""

from simulators.cohort import CohortSimulation, share_scenarios, simulate_cohort
from simulators.faults import MalformedRecord
from simulators.home import DEFAULT_START, HomeSimulation, simulate_home
from simulators.profiles import HomeProfile, make_cohort
from simulators.scenarios import ALERT_KINDS, CONFOUNDER_KINDS, FAULT_KINDS, SCENARIO_KINDS

__all__ = [
    "ALERT_KINDS",
    "CONFOUNDER_KINDS",
    "DEFAULT_START",
    "FAULT_KINDS",
    "SCENARIO_KINDS",
    "CohortSimulation",
    "HomeProfile",
    "HomeSimulation",
    "MalformedRecord",
    "make_cohort",
    "share_scenarios",
    "simulate_cohort",
    "simulate_home",
]
