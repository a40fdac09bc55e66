"""Demo people: an admin, a carer for every home, a family member for one resident.

Created through the API itself, as an administrator would, with fresh random
passwords: there are no default credentials, even in the demo.
"""

import secrets
from dataclasses import dataclass

import httpx

from simulators.profiles import HomeProfile

# Fictitious display names; they live only in the API's database, never on MQTT.
DEMO_NAMES = (
    "Margaret Hughes", "Arthur Bennett", "Edith Clarke", "Stanley Moore", "Winifred Hall",
    "Harold Price", "Dorothy Ward", "Leonard Cox", "Irene Shaw", "Walter Reid",
)  # fmt: skip


@dataclass(frozen=True)
class Login:
    """A demo login to print for the person running the demo."""

    role: str
    username: str
    password: str
    sees: str


def new_password() -> str:
    return secrets.token_urlsafe(12)


def set_up_people(
    api_url: str,
    admin: Login,
    homes: list[HomeProfile],
    timeout: float = 30.0,
    carer_notify_url: str | None = None,
) -> list[Login]:
    """Create homes, residents, a carer with every resident and a relative with one."""
    with httpx.Client(base_url=api_url, timeout=timeout) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": admin.username, "password": admin.password}
        )
        token.raise_for_status()
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        for index, home in enumerate(homes):
            name = DEMO_NAMES[index % len(DEMO_NAMES)]
            _ok(
                client.put(
                    f"/api/v1/homes/{home.home}",
                    json={"label": f"{name}'s home", "id": home.home, "tz": home.tz},
                )
            )
            for resident in home.residents:
                _ok(
                    client.post(
                        "/api/v1/residents",
                        json={"id": resident, "home_id": home.home, "display_name": name},
                    )
                )
            for sensor, kind in home.sensors.items():
                wearer = home.residents[0] if kind == "heart_rate" else None
                _ok(
                    client.put(
                        f"/api/v1/homes/{home.home}/sensors/{sensor}",
                        json={"kind": kind, "resident_id": wearer},
                    )
                )
        carer = _user(client, "carer", "Sam Carer", carer_notify_url)
        family = _user(client, "family", "Jo Family")
        for home in homes:
            for resident in home.residents:
                _grant(client, carer, resident)
        _grant(client, family, homes[0].residents[0])
    first = DEMO_NAMES[0]
    return [
        admin,
        Login("carer", carer[1], carer[2], f"all {len(homes)} residents"),
        Login("family", family[1], family[2], f"{first} only"),
    ]  # fmt: skip


def _user(
    client: httpx.Client, role: str, display_name: str, notify_url: str | None = None
) -> tuple[int, str, str]:
    username, password = f"demo-{role}", new_password()
    body = {"username": username, "display_name": display_name, "role": role, "password": password}
    if notify_url:
        body["notify_url"] = notify_url
    response = client.post("/api/v1/users", json=body)
    _ok(response)
    return int(response.json()["id"]), username, password


def _grant(client: httpx.Client, user: tuple[int, str, str], resident: str) -> None:
    _ok(client.post("/api/v1/grants", json={"user_id": user[0], "resident_id": resident}))


def _ok(response: httpx.Response) -> None:
    if response.is_error:
        raise RuntimeError(
            f"demo set-up: {response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:500]}"
        )
