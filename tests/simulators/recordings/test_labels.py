"""Activities to labels: kinds, away spans, night spells between sleeps, unmapped names."""

from collections import Counter

from simulators.recordings.events import Activity
from simulators.recordings.labels import to_labels
from simulators.recordings.mapping import ActivityRule, Mapping, load_mapping

H = 3600.0
CASAS = load_mapping("casas", None)


def _labels(
    *activities: tuple[float, float, str], mapping: Mapping = CASAS
) -> list[tuple[str, float, float, str | None]]:
    unmapped: Counter[str] = Counter()
    made = to_labels([Activity(s, e, n) for s, e, n in activities], mapping, "h", unmapped)
    return [(label.kind, label.start, label.end, label.detail) for label in made]


def test_sleep_toilet_wandering_and_other_activities_keep_their_names() -> None:
    assert _labels(
        (0, 8 * H, "Sleeping"),
        (3 * H, 3.1 * H, "Bed_to_Toilet"),
        (9 * H, 10 * H, "Relax"),
        (25 * H, 26 * H, "Night_Wandering"),
    ) == [
        ("sleep", 0, 8 * H, "Sleeping"),
        ("toilet", 3 * H, 3.1 * H, "Bed_to_Toilet"),
        ("activity", 9 * H, 10 * H, "Relax"),
        ("night_wandering", 25 * H, 26 * H, "Night_Wandering"),
    ]


def test_away_lasts_from_leaving_to_entering_or_the_leaving_itself() -> None:
    labels = _labels(
        (10 * H, 10.01 * H, "Leave_Home"),
        (13 * H, 13.01 * H, "Enter_Home"),
        (20 * H, 22 * H, "Leave_Home"),
        (30 * H, 30.01 * H, "Enter_Home"),
        (31 * H, 31.01 * H, "Enter_Home"),
    )
    assert labels == [
        ("away", 10 * H, 13.01 * H, "Leave_Home to Enter_Home"),
        ("away", 20 * H, 30.01 * H, "Leave_Home to Enter_Home"),
    ]
    kasteren = load_mapping("kasteren", None)
    assert _labels((5 * H, 7 * H, "Leaving"), mapping=kasteren) == [
        ("away", 5 * H, 7 * H, "Leaving")
    ]
    assert _labels((5 * H, 5.01 * H, "Leave_Home"), (6 * H, 6.01 * H, "Leave_Home")) == [
        ("away", 5 * H, 5.01 * H, "Leave_Home"),
        ("away", 6 * H, 6.01 * H, "Leave_Home"),
    ]


def test_a_spell_up_between_two_sleeps_of_a_night_is_a_night_up_label() -> None:
    labels = _labels(
        (22 * H, 23.5 * H, "Sleeping"),
        (23.6 * H, 23.7 * H, "Toileting"),
        (23.8 * H, 24.8 * H, "Spare_Time/TV"),
        (24.9 * H, 31 * H, "Sleeping"),
        (36 * H, 37 * H, "Sleeping"),  # a nap 5 h later: not the same night
    )
    ups = [label for label in labels if label[0] == "night_up"]
    assert ups == [("night_up", 23.5 * H, 24.9 * H, "Spare_Time/TV, Toileting")]


def test_unmapped_and_ignored_activities() -> None:
    mapping = Mapping(activity=[ActivityRule("relax", "ignore"), ActivityRule("*sleep*", "sleep")])
    unmapped: Counter[str] = Counter()
    made = to_labels(
        [Activity(0, 1, "Relax"), Activity(2, 3, "Cook"), Activity(4, 5, "Cook")],
        mapping,
        "h",
        unmapped,
    )
    assert made == [] and unmapped == {"Cook": 2}
