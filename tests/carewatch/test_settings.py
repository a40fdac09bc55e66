import pytest
from pydantic import Field, PositiveInt
from pydantic_settings import SettingsConfigDict

from carewatch.errors import ConfigError
from carewatch.settings import CareWatchSettings, load_settings


class Service(CareWatchSettings):
    model_config = SettingsConfigDict(env_prefix="CAREWATCH_SVC_")
    jwt_secret: str = Field(min_length=32)
    broker_url: str = Field(pattern=r"^mqtts?://")
    batch_size: PositiveInt = 10


def test_error_names_the_variable_and_shows_a_harmless_value() -> None:
    with pytest.raises(ConfigError, match=r"CAREWATCH_SVC_BATCH_SIZE: .* \(got -3\)"):
        load_settings(Service, jwt_secret="x" * 32, broker_url="mqtt://h", batch_size=-3)


def test_error_never_echoes_a_secret_or_a_url_with_credentials() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(Service, jwt_secret="tooshort-s3cret", broker_url="http://u:pw@h")
    message = str(caught.value)
    assert "CAREWATCH_SVC_JWT_SECRET" in message
    assert "CAREWATCH_SVC_BROKER_URL" in message
    assert "s3cret" not in message
    assert "pw@" not in message


def test_missing_required_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREWATCH_SVC_JWT_SECRET", raising=False)
    with pytest.raises(ConfigError, match="CAREWATCH_SVC_JWT_SECRET: Field required"):
        load_settings(Service, broker_url="mqtt://h")
