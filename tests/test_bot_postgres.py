"""The bot with its runs in PostgreSQL, through the Discord stand-in: buttons, /explain and the
CSV after a restart read the runs from the server, and a server that goes down is answered
politely and recovered from without restarting the bot."""

from __future__ import annotations

from pathlib import Path

from bot_harness import bot_in_process, button, embed_text, wait_answer, write_config
from discord_standin import CallbackRecord, Message, StandIn
from postgres_server import started_server

from solver.words import t


async def click(standin: StandIn, message: Message, label: str) -> tuple[CallbackRecord, Message]:
    handle = await standin.click(message, button(message, label)["custom_id"])
    callback = await handle.wait_callback()
    return callback, await wait_answer(handle)


async def test_explain_buttons_and_csv_after_a_restart_come_from_postgres(
    standin: StandIn, tmp_path: Path, postgres_url: str
) -> None:
    sqlite_file = tmp_path / "runs.sqlite3"
    config = write_config(tmp_path, standin, storage={"url": postgres_url})
    async with bot_in_process(standin, config):
        answer = await wait_answer(await standin.invoke_command("solve", {}))
        assert "run #1" in embed_text(answer)
    # A new bot process's Tutor and store: only the database remembers run #1.
    async with bot_in_process(standin, config):
        explained = await wait_answer(
            await standin.invoke_command("explain", {"iteration": 1, "run": 1})
        )
        assert "x_1 = 1.0400000" in embed_text(explained)
        _, step = await click(standin, answer, "Explain step")
        assert step.ephemeral and "Iteration 0 (of 0–99)" in embed_text(step)
        _, sent = await click(standin, answer, "All iterations")
        lines = sent.attachments[0].data.decode().splitlines()
        assert lines[0].startswith("k,x,y,loss,grad") and len(lines) == 101
        _, rerun = await click(standin, answer, "lr ×2")
        assert "lr = 0.02" in embed_text(rerun) and "run #2" in embed_text(rerun)
        standin.assert_no_violations()
    assert not sqlite_file.exists()


async def test_postgres_down_is_a_polite_answer_and_the_bot_recovers(
    standin: StandIn, tmp_path: Path
) -> None:
    server = started_server()  # its own: stopping it leaves the session's server alone
    try:
        url = server.new_database()
        config = write_config(tmp_path, standin, storage={"url": url})
        async with bot_in_process(standin, config):
            first = await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
            assert "run #1" in embed_text(first)
            server.stop()
            failed = await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
            assert failed.ephemeral and embed_text(failed).strip() == t("en", "bot.storage_down")
            japanese = await (
                await standin.invoke_command("explain", {"iteration": 0}, locale="ja")
            ).wait_final()
            assert japanese.ephemeral and embed_text(japanese).strip() == t(
                "ja", "bot.storage_down"
            )
            server.start()
            again = await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
            assert "run #2" in embed_text(again)  # the failed run was not stored
            standin.assert_no_violations()
    finally:
        server.remove()
