"""Notification routing rules: which alerts go to whom, when, and how they escalate.

Rules live in a TOML file (``CAREWATCH_API_ROUTING_FILE``); the first rule that
matches an alert's kind, severity and the local time of day in the resident's home
decides its escalation steps. A target is ``user:<username>``, ``team:<name>``
(every member), ``lead:<team>`` (the team's lead), ``carers`` (carers granted the
resident) or ``family`` (family granted the resident).

Examples
--------
>>> rules = parse_rules('''
... [[rules]]
... name = "night"
... hours = "22:00-07:00"
... steps = [{after_minutes = 0, notify = ["lead:night"]}]
... ''')
>>> from datetime import time
>>> rules.match("night_wandering", "high", time(23, 30)).name
'night'
>>> rules.match("night_wandering", "high", time(12, 0)) is None
True
>>> bad = '[[rules]]\\nname = "day"\\nsteps = [{after_minutes = 0, notify = ["boss"]}]'
>>> parse_rules(bad)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
carewatch.errors.ConfigError: routing rules: rule 'day' (rules[0]) steps.0.notify: ... 'boss' ...
"""

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carewatch.errors import ConfigError
from carewatch.protocol import AlertKind, Severity

# matched whole (fullmatch): "$" would let a trailing newline through
_TARGET = re.compile(r"(user|team|lead):[A-Za-z0-9_.@-]{1,64}|carers|family")
_HOURS = re.compile(r"([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})")


class Step(BaseModel):
    """Who to notify once an alert has gone unacknowledged for ``after_minutes``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    after_minutes: Annotated[float, Field(ge=0, le=7 * 24 * 60)]
    notify: Annotated[list[str], Field(min_length=1)]

    @field_validator("notify")
    @classmethod
    def _targets(cls, targets: list[str]) -> list[str]:
        for target in targets:
            if not _TARGET.fullmatch(target):
                raise ValueError(
                    f"target {target!r} must be user:<name>, team:<name>, lead:<team>, "
                    "carers or family"
                )
        return targets


class Rule(BaseModel):
    """Alerts of these kinds and severities, during these local hours, follow ``steps``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Annotated[str, Field(min_length=1, max_length=64)]
    kinds: list[AlertKind] = []
    severities: list[Severity] = []
    hours: str | None = None
    """``HH:MM-HH:MM`` in the home's local time; may wrap midnight (``22:00-07:00``)."""
    steps: Annotated[list[Step], Field(min_length=1)]

    @field_validator("hours")
    @classmethod
    def _hours(cls, hours: str | None) -> str | None:
        if hours is not None:
            _parse_hours(hours)
        return hours

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: list[Step]) -> list[Step]:
        delays = [step.after_minutes for step in steps]
        if delays != sorted(delays):
            raise ValueError("steps must be in order of after_minutes")
        return steps

    def matches(self, kind: str, severity: str, local: time) -> bool:
        """Whether an alert of ``kind``/``severity`` at local time ``local`` follows this rule."""
        if self.kinds and kind not in self.kinds:
            return False
        if self.severities and severity not in self.severities:
            return False
        if self.hours is None:
            return True
        start, end = _parse_hours(self.hours)
        if start <= end:
            return start <= local < end
        return local >= start or local < end  # wraps past midnight


class RoutingRules(BaseModel):
    """An ordered list of rules; the first match wins."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rules: list[Rule] = []

    def match(self, kind: str, severity: str, local: time) -> Rule | None:
        """The first rule that applies, or ``None`` (the alert is shown but not sent)."""
        return next((rule for rule in self.rules if rule.matches(kind, severity, local)), None)

    def get(self, name: str | None) -> Rule | None:
        """The rule called ``name`` (rules may change between restarts)."""
        return next((rule for rule in self.rules if rule.name == name), None)


def _parse_hours(hours: str) -> tuple[time, time]:
    found = _HOURS.fullmatch(hours)
    if not found:
        raise ValueError(f"hours {hours!r} must look like 22:00-07:00")
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    try:
        return time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(f"hours {hours!r} is not a valid time range") from None


def parse_rules(text: str, source: str = "routing rules") -> RoutingRules:
    """Parse and validate TOML rules; errors name the rule and the field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None
    try:
        return RoutingRules.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(f"{source}: {_describe(error, raw)}") from None


def load_rules(path: Path) -> RoutingRules:
    """Read rules from ``path`` (CAREWATCH_API_ROUTING_FILE)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"CAREWATCH_API_ROUTING_FILE: cannot read {path}: {error}") from None
    return parse_rules(text, f"routing file {path}")


def _describe(error: ValidationError, raw: dict[str, Any]) -> str:
    problems = []
    for item in error.errors():
        loc = list(item["loc"])
        where = ".".join(str(part) for part in loc)
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            where = f"rule {_rule_name(raw, loc[1])!r} (rules[{loc[1]}])"
            rest = ".".join(str(part) for part in loc[2:])
            where += f" {rest}" if rest else ""
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)


def _rule_name(raw: dict[str, Any], index: int) -> str:
    try:
        return str(raw["rules"][index]["name"])
    except (KeyError, IndexError, TypeError):
        return f"#{index}"
