from tests.api.conftest import World


def test_carer_sees_only_their_resident(world: World) -> None:
    r = world.client.get("/api/v1/residents", headers=world.auth("carer-a"))
    assert [x["id"] for x in r.json()] == ["r-1"]
    r = world.client.get("/api/v1/residents", headers=world.auth("carer-b"))
    assert [x["id"] for x in r.json()] == ["r-2"]
