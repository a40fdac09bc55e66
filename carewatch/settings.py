"""Settings base: one pydantic-settings class per service, read from ``CAREWATCH_…`` env vars.

A bad setting refuses to start with a message naming the environment variable.
"""

import re
from typing import TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from carewatch.errors import ConfigError


class CareWatchSettings(BaseSettings):
    """Base of every service's settings; subclasses set their own ``env_prefix``."""

    model_config = SettingsConfigDict(env_prefix="CAREWATCH_", extra="ignore", frozen=True)


S = TypeVar("S", bound=CareWatchSettings)

# A rejected value is echoed to help fix it, except where it may be a secret.
_SECRET_NAME = re.compile(r"secret|password|token|key|url", re.IGNORECASE)


def load_settings(settings_type: type[S], **overrides: object) -> S:
    """Build ``settings_type`` from the environment (and ``overrides``) or raise ConfigError.

    Examples
    --------
    >>> from pydantic import PositiveInt
    >>> class Demo(CareWatchSettings):
    ...     model_config = SettingsConfigDict(env_prefix="CAREWATCH_DEMO_")
    ...     batch_size: PositiveInt = 10
    >>> load_settings(Demo, batch_size=-1)
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_DEMO_BATCH_SIZE: Input should be greater than 0 (got -1)
    """
    try:
        return settings_type(**overrides)
    except ValidationError as error:
        prefix = str(settings_type.model_config.get("env_prefix", ""))
        raise ConfigError(_describe(error, prefix)) from None


def _describe(error: ValidationError, prefix: str) -> str:
    problems = []
    for item in error.errors():
        name = prefix + "__".join(str(part) for part in item["loc"]).upper()
        shown = item["type"] != "missing" and not _SECRET_NAME.search(name)
        got = f" (got {item['input']!r})" if shown else ""
        problems.append(f"{name}: {item['msg']}{got}")
    return "; ".join(problems)
