"""Languages (D121): each person reads pages and alerts in their language; the Spanish
catalogue is complete and compiled from its .po; dates and numbers follow the language."""

import io
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from api.digest import digest
from api.handover import Handover, Line
from api.i18n import LOCALE_DIR, Words, templates
from api.when import full
from carewatch.protocol import Kind
from tests.api.carer_world import populate
from tests.api.conftest import NOW, PASSWORD, World
from tests.api.test_onboarding_cli import env, ok, refused  # noqa: F401 (the env fixture)
from tests.api.test_onboarding_pages import post_form

ROOT = Path(__file__).parents[2]
SPANISH = Words("es")
SPANISH_PO = LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po"


def _spanish() -> Catalog:
    with SPANISH_PO.open("rb") as po:
        return read_po(po)


def _filled(string: str | tuple[str, ...]) -> bool:
    """Whether a translation, or every plural form of one, is there."""
    return all(string) if isinstance(string, tuple) else bool(string)


def _text(world: World, user: str, path: str) -> str:
    cookie = {"Cookie": f"carewatch_session={world.tokens[user]}"}
    response = world.client.get(path, headers=cookie, follow_redirects=False)
    assert response.status_code == 200, response.text
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _choose(world: World, user: str, language: str) -> None:
    response = world.client.patch(
        "/api/v1/me", json={"language": language}, headers=world.auth(user)
    )
    assert response.status_code == 200, response.text
    assert response.json()["language"] == language


def test_a_spanish_carer_reads_the_caseload_and_its_alerts_in_spanish(world: World) -> None:
    populate(world)
    _choose(world, "carer-a", "es")
    html = world.client.get(
        "/carer", headers={"Cookie": f"carewatch_session={world.tokens['carer-a']}"}
    ).text
    text = _text(world, "carer-a", "/carer")
    assert '<html lang="es">' in html
    assert "Sus casos" in text and "Cerrar sesión" in text and "Your caseload" not in text
    assert "Rose Able: menos agua del grifo de lo habitual" in text
    assert "Rose Able: frecuencia cardiaca elevada en reposo urgente" in text
    assert "Agua sacada del grifo 0,8 litros (normalmente 2,4 litros)" in text
    assert "Nueva: nadie se ha hecho cargo todavía" in text and "hace 1 hora" in text
    spanish_date = full(NOW - 3600, "Europe/London", Words("es"))
    assert spanish_date in text and spanish_date != full(NOW - 3600, "Europe/London")
    # an alert stored without phrases (from before D132) keeps the English it came with
    assert "Less water drawn from the tap than usual since yesterday." in text


def test_the_resident_page_and_handover_read_in_spanish(world: World) -> None:
    populate(world)
    _choose(world, "carer-a", "es")
    text = _text(world, "carer-a", "/carer/residents/r-1")
    assert "Rose Able: los últimos 30 días" in text and "De un vistazo" in text
    assert (
        "Agua sacada del grifo 0,6 litros (por debajo de lo habitual) de 1,4 a 1,6 litros" in text
    )
    assert "Agua sacada del grifo 0,8 litros (normalmente 2,4 litros)" in text
    assert "A Carer-A le resultó útil: Spot on" in text
    assert "Ningún cuidador ha registrado haberla visto (se generó hace 10 días)" in text
    handover = _text(world, "carer-a", "/carer/handover")
    assert "Relevo de la mañana" in handover
    assert (
        "Visitar: ningún movimiento en casa, hace 30 minutos, nadie se ha hecho cargo" in handover
    )


def test_the_resident_pages_sleep_kit_and_tuning_read_in_spanish(world: World) -> None:
    populate(world)
    _choose(world, "carer-a", "es")
    feedback = world.client.post(
        f"/api/v1/alerts/{world.alert_ids['a']}/feedback",
        json={"useful": False},
        headers=world.auth("carer-a"),
    )
    assert feedback.status_code == 201, feedback.text
    text = _text(world, "carer-a", "/carer/residents/r-1")
    # the last night's sleep, and her usual, in words
    assert "en la cama a las 22:30, en pie a las 07:00" in text
    assert "a la cama: 22:30; en pie: 07:00" in text and "in bed 22:30" not in text
    # what the home's sensors cannot watch, with the sensors it has
    assert "estrés: no hay ninguna pulsera en esta casa" in text
    assert (
        "deambulación nocturna: no puede valorar la apertura de la puerta de entrada por la "
        "noche (no hay sensor de puerta)" in text
    )
    assert "no wearable" not in text and "cannot judge" not in text
    assert "Sensores: cama, grifo" in text
    # the alert kind feedback tuned
    assert "deshidratación: 1 paso más exigente (1,25 × la regla habitual)" in text
    assert "step stricter" not in text and "dehydration" not in text


def test_a_held_back_login_is_told_in_the_browsers_language(world: World) -> None:
    spanish = {"Accept-Language": "es-ES,es;q=0.9"}
    for _ in range(6):
        world.client.post(
            "/login", data={"username": "family-b", "password": "not it at all"}, headers=spanish
        )
    held = world.client.post(
        "/login", data={"username": "family-b", "password": PASSWORD}, headers=spanish
    )
    assert held.status_code == 429 and held.headers["Retry-After"] == "30"
    assert (
        "Demasiados inicios de sesión fallidos en esta cuenta: vuelva a intentarlo dentro de "
        "30 segundos o pida a un administrador que restablezca la contraseña." in held.text
    )
    assert "too many" not in held.text.lower()
    api = world.client.post("/api/v1/auth/token", data={"username": "family-b", "password": "x"})
    assert "try again in 30 seconds" in api.json()["detail"]  # the JSON API stays English


def test_a_spanish_admin_sets_up_homes_in_spanish(world: World) -> None:
    _choose(world, "admin", "es")
    home = {"id": "h-9", "label": "Calle Mayor 9", "tz": "Europe/Madrid", "sensors_tap": "tap-9"}
    assert post_form(world, "homes", home).status_code == 303
    kinds = [kind.value for kind in Kind]
    consent = {
        "resident_id": "r-1",
        "agreed_by": "Rose Able",
        "basis": "self",
        "monitoring": "yes",
        **{f"collect_{kind}": "on" for kind in kinds},
        **{f"share_{kind}": "on" for kind in kinds if kind != "heart_rate"},
    }
    assert post_form(world, "consents", consent).status_code == 303
    text = _text(world, "admin", "/admin?done=homes")
    assert "Configurar casas y personas" in text and "Casa añadida." in text
    assert "Añadir una casa y sus sensores" in text and "pendiente" in text
    assert "Sensores de frecuencia cardiaca" in text and "Recoger las lecturas de cama" in text
    assert "No puede valorar deambulación nocturna: no hay sensor de cama en esta casa" in text
    assert "deshidratación: no puede valorar las visitas al baño (no hay sensor de inodoro)" in text
    assert (
        "Rose Able: consintió la vigilancia, por medio de Rose Able (el propio residente); "
        "no se muestra: frecuencia cardiaca." in text
    )
    assert "Set up homes" not in text and "Add the home" not in text
    assert "Cannot judge" not in text and "agreed to monitoring" not in text
    invited = post_form(
        world, "people", {"display_name": "Fay", "username": "fay", "role": "family"}
    )
    once = " ".join(unescape(re.sub(r"<[^>]+>", " ", invited.text)).split())
    assert "Se ha invitado a Fay" in once and "la contraseña solo se muestra esta vez" in once
    assert "Fay invited" not in once and "shown only this once" not in once


def test_the_onboarding_page_says_why_it_refused_in_spanish(world: World) -> None:
    _choose(world, "admin", "es")
    home = {"id": "h-9", "label": "Calle Mayor 9", "tz": "Europe/Madridd", "sensors_bed": "Cama 1"}
    refused = post_form(world, "homes", home)
    assert refused.status_code == 422
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", refused.text)).split())
    assert "No se ha guardado nada:" in text
    assert (
        "Zona horaria: 'Europe/Madridd' no es una zona horaria IANA: ¿quería decir "
        "'Europe/Madrid'?; Sensores: 'Cama': use letras minúsculas, cifras y '-'." in text
    )
    assert "not an IANA time zone" not in text and "should match pattern" not in text
    taken = post_form(world, "homes", {"id": "h-1", "label": "Otra", "tz": "Europe/Madrid"})
    assert taken.status_code == 422 and "la casa &#39;h-1&#39; ya existe" in taken.text
    zone = {"id": "h-8", "label": "x", "tz": "Europe/Madridd"}
    api = world.client.post("/api/v1/homes", json=zone, headers=world.auth("admin"))
    # the JSON API's answer stays English
    assert api.status_code == 422 and "is not an IANA time zone: did you mean" in api.text


def test_the_handover_message_is_in_the_carers_language() -> None:
    made = Handover("sáb 15 nov 2025, 07:30", [Line("r-1", "Rose Able", "Llamar.")], words=SPANISH)
    title, body = digest(made)
    assert title == "Relevo de CareWatch, sáb 15 nov 2025, 07:30"
    assert body.splitlines()[0] == "Necesita una visita o una llamada hoy:"
    assert digest(Handover("x", words=SPANISH))[1] == "No hay residentes en sus casos."


def test_a_person_changes_language_from_the_page_menu(world: World) -> None:
    token = world.tokens["family-a"]
    cookie = {"Cookie": f"carewatch_session={token}"}
    csrf = world.app.state.services.tokens.form_token(token)
    assert 'lang="es"' in world.client.get("/family", headers=cookie).text  # on offer
    chosen = world.client.post(
        "/language", data={"csrf": csrf, "language": "es"}, headers=cookie, follow_redirects=False
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/family"
    assert "Cómo está Rose Able" in _text(world, "family-a", "/family")
    wrong = world.client.post("/language", data={"csrf": csrf, "language": "fr"}, headers=cookie)
    assert wrong.status_code == 422 and "'en' or 'es'" in wrong.text
    forged = world.client.post("/language", data={"csrf": "x", "language": "en"}, headers=cookie)
    assert forged.status_code == 403 and "Cómo está" in _text(world, "family-a", "/family")


def test_an_english_carer_still_reads_english(world: World) -> None:
    populate(world)
    _choose(world, "carer-a", "es")  # another person's choice changes nothing for them
    text = _text(world, "carer-b", "/carer")
    assert "Your caseload" in text and "Sus casos" not in text
    assert world.client.get("/api/v1/me", headers=world.auth("carer-b")).json()["language"] == "en"


def test_a_spanish_relative_reads_the_family_page_in_spanish(world: World) -> None:
    populate(world)
    _choose(world, "family-a", "es")
    text = _text(world, "family-a", "/family")
    assert "Cómo está Rose Able" in text and "Avisos a los cuidadores" in text
    assert "Frecuencia cardiaca en reposo" in text and "normalmente" in text
    assert "usually" not in text and "Resting heart rate" not in text


def test_the_login_page_follows_the_browser(world: World) -> None:
    spanish = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
    assert "Iniciar sesión" in world.client.get("/login", headers=spanish).text
    assert "Log in" in world.client.get("/login", headers={"Accept-Language": "fr"}).text
    wrong = world.client.post(
        "/login", data={"username": "carer-a", "password": "not it at all"}, headers=spanish
    )
    assert wrong.status_code == 401 and "Usuario o contraseña incorrectos." in wrong.text


@pytest.mark.parametrize("language", ["fr", "", "ES", "es-ES"])
def test_only_supported_languages_are_taken(world: World, language: str) -> None:
    me = world.client.patch(
        "/api/v1/me", json={"language": language}, headers=world.auth("carer-a")
    )
    assert me.status_code == 422 and "'en' or 'es'" in me.text
    user = f"/api/v1/users/{world.user_ids['carer-a']}"
    by_admin = world.client.patch(user, json={"language": language}, headers=world.auth("admin"))
    assert by_admin.status_code == 422 and "'en' or 'es'" in by_admin.text


def test_an_admin_sets_a_language_for_someone(world: World) -> None:
    user = f"/api/v1/users/{world.user_ids['family-a']}"
    changed = world.client.patch(user, json={"language": "es"}, headers=world.auth("admin"))
    assert changed.status_code == 200 and changed.json()["language"] == "es"
    assert "Cómo está Rose Able" in _text(world, "family-a", "/family")


def test_the_command_line_sets_a_language_and_names_the_choices(env: Path) -> None:  # noqa: F811
    ok("invite", "carol", "--name", "Carol Carer", "--role", "carer")
    assert "carol now reads CareWatch in es" in ok("set-language", "carol", "es")
    assert "language must be one of: en, es (not 'fr')" in refused("set-language", "carol", "fr")
    assert "no user 'nobody'" in refused("set-language", "nobody", "es")


def test_every_text_marked_in_the_code_has_a_spanish_translation(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [pybabel, "-q", "extract", "-F", "babel.cfg", "-o", str(pot), "."], cwd=ROOT, check=True
    )
    with pot.open("rb") as template:
        wanted = {m.id for m in read_po(template) if m.id}
    spanish = _spanish()
    translated = {m.id for m in spanish if m.id and _filled(m.string) and not m.fuzzy}
    assert len(wanted) > 80
    assert wanted <= translated, f"translate in {SPANISH_PO}: {sorted(wanted - translated)}"
    assert not wanted ^ {m.id for m in spanish if m.id}, "stale or missing: pybabel update"
    assert not [(m.id, errors) for m, errors in spanish.check()], "placeholders must match"


def test_counts_take_the_spanish_plural() -> None:
    count = templates("es").env.from_string('{{ ngettext("%(num)s new", "%(num)s new", n) }}')
    assert [count.render(n=n) for n in (1, 3)] == ["1 nueva", "3 nuevas"]


def test_the_committed_mo_is_compiled_from_the_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _spanish())
    committed = (LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled.getvalue() == committed, "run: pybabel compile -d api/locale"
