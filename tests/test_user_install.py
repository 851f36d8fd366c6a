"""Issue 14, "in your pocket": the commands installed to a user's own account, used in a DM
with the bot and in a server the bot has not joined, through the production bot and the
stand-in (which checks the synced install types and contexts as Discord does)."""

from __future__ import annotations

import io

import pytest
from bot_fixtures import LiveBot
from bot_harness import (
    COMMANDS,
    button,
    embed_text,
    mentions_disabled_everywhere,
    png_size,
    wait_answer,
)
from discord_standin import Message, StandIn
from discord_standin.commands import overwrite_errors
from PIL import Image

# Global commands exist only after a global sync; the test guild's copy stays as well.
EVERYWHERE = pytest.mark.bot_config(discord={"sync_global": True})
FIRST_LINES = {
    "en": ("0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000", "x=1.4142133", "**converged**"),
    "ja": ("0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000", "x=1.4142133", "**収束**"),
}
LOCALES = {"en": "en-US", "ja": "ja"}


def test_the_standin_refuses_install_types_and_contexts_discord_does_not_know():
    good = {"name": "solve", "description": "Solve", "integration_types": [0, 1]}
    assert overwrite_errors([{**good, "contexts": [0, 1, 2]}]) == {}
    assert overwrite_errors([{**good, "contexts": None}]) == {}
    errors = overwrite_errors([{**good, "integration_types": [0, 2], "contexts": [1, 3, True]}])
    assert errors["0"]["integration_types"]["1"]["_errors"][0]["code"] == "ENUM_TYPE_COERCE"
    assert set(errors["0"]["contexts"]) == {"1", "2"}  # 3, and a boolean that is no number
    assert "_errors" in overwrite_errors([{**good, "contexts": "all"}])["0"]["contexts"]


@EVERYWHERE
async def test_every_command_is_synced_for_both_installs_and_every_context(
    standin: StandIn, own_bot: LiveBot
):
    synced = {c["name"]: c for c in standin.commands[None]}
    assert set(COMMANDS) == set(synced)  # a new command must be usable anywhere too
    for name in COMMANDS:
        assert sorted(synced[name]["integration_types"]) == [0, 1], name
        assert sorted(synced[name]["contexts"]) == [0, 1, 2], name
    standin.assert_no_violations()


async def solve_then_click(
    standin: StandIn, lang: str, **where: bool
) -> tuple[Message, Message, Message]:
    """/solve where asked, then Explain step and Animate on the answer: the three messages."""
    locale = LOCALES[lang]
    handle = await standin.invoke_command("solve", {}, locale=locale, **where)
    answer = await wait_answer(handle)
    labels = {"en": ("Explain step", "Animate"), "ja": ("ステップを説明", "アニメーション")}[lang]
    clicked = []
    for label in labels:
        click = await standin.click(answer, button(answer, label)["custom_id"], locale=locale)
        clicked.append(await wait_answer(click))
        assert (
            click.payload["authorizing_integration_owners"]
            == handle.payload["authorizing_integration_owners"]
        )
    return answer, clicked[0], clicked[1]


def assert_answered_with_numbers_and_picture(message: Message, lang: str) -> None:
    text = embed_text(message)
    for line in FIRST_LINES[lang]:
        assert line in text, (lang, line)
    (picture,) = message.attachments
    assert png_size(picture.data) == (1200, 500)
    assert message.embeds[0]["image"]["url"] == picture.url


def assert_animation(message: Message) -> None:
    assert message.ephemeral
    (gif,) = message.attachments
    assert gif.data[:6] == b"GIF89a" and message.embeds[0]["image"]["url"] == gif.url
    with Image.open(io.BytesIO(gif.data)) as image:
        assert 2 <= image.n_frames <= 60


@EVERYWHERE
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_solve_in_a_dm_through_a_user_install(standin: StandIn, own_bot: LiveBot, lang):
    answer, step, animation = await solve_then_click(standin, lang, dm=True, user_install=True)
    (solved,) = [h for h in standin.interactions.values() if h.name == "solve"]
    assert solved.payload["context"] == 1 and "guild_id" not in solved.payload
    assert solved.payload["authorizing_integration_owners"] == {"1": standin.user["id"]}
    assert "member" not in solved.payload and solved.payload["user"] == standin.user
    assert standin.any_channel(answer.channel_id)["type"] == 1
    assert_answered_with_numbers_and_picture(answer, lang)
    assert step.ephemeral and "x_1 = 1.0400000" in embed_text(step)
    assert_animation(animation)
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


@EVERYWHERE
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_solve_in_a_server_the_bot_has_not_joined(standin: StandIn, own_bot: LiveBot, lang):
    answer, step, animation = await solve_then_click(standin, lang, elsewhere=True)
    (solved,) = [h for h in standin.interactions.values() if h.name == "solve"]
    assert solved.payload["context"] == 0
    assert solved.payload["guild_id"] == standin.foreign_guild_id not in standin.guilds
    assert solved.payload["authorizing_integration_owners"] == {"1": standin.user["id"]}
    assert answer.channel_id == standin.foreign_channel_id
    assert_answered_with_numbers_and_picture(answer, lang)
    assert step.ephemeral and "x_1 = 1.0400000" in embed_text(step)
    assert_animation(animation)
    # A re-run there is a public answer of its own, also with numbers and picture.
    label = {"en": "lr ×2", "ja": "学習率 ×2"}[lang]
    click = await standin.click(answer, button(answer, label)["custom_id"], locale=LOCALES[lang])
    rerun = await wait_answer(click)
    assert not rerun.ephemeral and rerun.attachments and "0.02" in embed_text(rerun)
    # Everything went through the interactions' own webhooks: never a channel of that server.
    assert not [r for r in standin.requests if "/channels/" in r.path]
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


@EVERYWHERE
async def test_help_names_the_animate_button_and_dms(standin: StandIn, own_bot: LiveBot):
    for lang, words in (("en", ("Animate", "DMs")), ("ja", ("アニメーション", "DM"))):
        handle = await standin.invoke_command(
            "help", locale=LOCALES[lang], dm=True, user_install=True
        )
        text = embed_text((await handle.wait_messages(1))[0])
        for word in words:
            assert word in text, (lang, word)
    standin.assert_no_violations()


@EVERYWHERE
async def test_solve_in_a_private_chat_the_bot_is_not_in(standin: StandIn, own_bot: LiveBot):
    answer, step, animation = await solve_then_click(standin, "en", private=True)
    (solved,) = [h for h in standin.interactions.values() if h.name == "solve"]
    assert solved.payload["context"] == 2 and "guild_id" not in solved.payload
    assert solved.payload["authorizing_integration_owners"] == {"1": standin.user["id"]}
    assert answer.channel_id not in standin.channels  # never announced to the bot
    assert_answered_with_numbers_and_picture(answer, "en")
    assert step.ephemeral and "x_1 = 1.0400000" in embed_text(step)
    assert_animation(animation)
    assert not [r for r in standin.requests if "/channels/" in r.path]
    standin.assert_no_violations()
