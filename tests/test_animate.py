"""Issue 14, "animate the path": the frames chosen, the GIF's bytes, drawn in a drawing
process without torch, the Animate button through the stand-in (after a restart too) and the
console's /animate."""

from __future__ import annotations

import io
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from bot_fixtures import LiveBot
from bot_harness import ROOT, button, embed_text, mentions_disabled_everywhere, wait_answer
from discord_standin import Message, StandIn
from PIL import Image

from bot.render_pool import Renderer
from solver import Settings, solve
from solver.plots.animation import draw_gif
from solver.plots.animation_frames import MAX_FRAMES, choose_frames
from solver.plots.animation_picture import AnimationPicture
from solver.plots.animation_prepare import animation_picture

MAX_BYTES = 2 * 1024 * 1024
LABEL = {"en": "Animate", "ja": "アニメーション"}
LOCALES = {"en": "en-US", "ja": "ja"}


def frames_of(gif: bytes) -> list[np.ndarray]:
    """Every frame of a GIF as RGB pixels (raises if the bytes are not a GIF)."""
    assert gif[:6] == b"GIF89a"
    shown = []
    with Image.open(io.BytesIO(gif)) as image:
        for index in range(image.n_frames):
            image.seek(index)
            shown.append(np.asarray(image.convert("RGB"), dtype=np.int16))
    return shown


def test_the_default_run_is_framed_from_x0_to_the_final_x_denser_where_x_moves_most():
    run = solve(Settings())  # x² − 2 from 1 at lr 0.01: big steps first, then a crawl
    picture = animation_picture(run, "ja")
    ks = [frame.k for frame in picture.frames]
    assert len(ks) == MAX_FRAMES and ks[0] == 0 and ks[-1] == 100 == len(run.iterations)
    assert ks == sorted(set(ks))
    gaps = np.diff(ks)
    assert gaps[:10].max() == 1 and gaps[-10:].min() > 1  # every early step; the tail strided
    for frame in picture.frames:
        x = run.final_x if frame.k == 100 else run.iterations[frame.k].x
        assert frame.x == x and frame.loss == pytest.approx((x * x - 2) ** 2, rel=1e-12)
        assert frame.labels["en"].startswith(f"iteration {frame.k} · x = {x:.7g} · loss = ")
        assert frame.labels["ja"].startswith(f"反復 {frame.k} · x = {x:.7g} · 損失 = ")
    assert picture.frames[1].labels["en"].endswith(f"loss = {run.iterations[1].loss:.3e}")
    assert picture.headings["ja"][0] == "f(x) = x² − 2"


def test_frames_are_chosen_from_the_path_with_the_ends_kept():
    assert choose_frames(np.arange(5.0), np.zeros(5), (0, 4), 1.0).tolist() == [0, 1, 2, 3, 4]
    # One jump in a still path: where it lands is shown, and the path's ends.
    xs = np.concatenate((np.zeros(500), np.ones(500)))
    chosen = choose_frames(xs, xs, (0.0, 1.0), 1.0)
    assert chosen.size <= MAX_FRAMES and chosen[0] == 0 and chosen[-1] == 999 and 500 in chosen
    # A slide over 100 steps, then a crawl of 900: most frames show the slide.
    xs = np.concatenate((np.linspace(0.0, 1.0, 100), 1 + 1e-6 * np.arange(1, 901)))
    chosen = choose_frames(xs, np.zeros(1000), (0.0, 1.0), 1.0)
    assert chosen.size == MAX_FRAMES and chosen[-1] == 999
    assert (chosen < 100).sum() >= 40


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(lr=0.5),  # diverges: only finite points are shown
        Settings(steps=1),
        Settings(steps=100_000),
        Settings(equation="cos(x) = x", x0=3.0, lr=0.05, steps=300, optimizer="adam"),
    ],
    ids=["default", "diverged", "one-step", "long", "adam"],
)
def test_the_gif_has_a_frame_per_chosen_step_within_the_limits(settings: Settings):
    picture = animation_picture(solve(settings), "en")
    gif = draw_gif(picture)
    frames = frames_of(gif)
    assert len(frames) == len(picture.frames) <= MAX_FRAMES and len(gif) <= MAX_BYTES
    assert frames[0].shape == (500, 800, 3)
    assert np.abs(frames[0] - frames[-1]).max() > 100  # x moved: the point is elsewhere
    assert len({frame.tobytes() for frame in frames}) == len(frames)  # each frame says its k


def test_an_animation_is_drawn_in_a_drawing_process_without_torch():
    picture = animation_picture(solve(Settings()), "ja")
    script = (
        "import pickle, sys\n"
        "from bot.render_pool import draw_file\n"
        "gif = draw_file(pickle.loads(sys.stdin.buffer.read()))\n"
        "assert 'torch' not in sys.modules and 'sympy' not in sys.modules, 'heavy import'\n"
        "sys.stdout.buffer.write(gif)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=pickle.dumps(picture),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert len(frames_of(done.stdout)) == MAX_FRAMES
    renderer = Renderer(1)
    try:
        assert renderer.draw_now(picture) == done.stdout  # the pool draws the same bytes
    finally:
        renderer.shutdown()


def test_a_run_with_no_finite_point_cannot_be_animated():
    run = solve(Settings(equation="x**2 - 2", x0=1e200, precision="float64"))
    with pytest.raises(ValueError, match="finite"):
        animation_picture(run)
    assert isinstance(animation_picture(solve(Settings(lr=0.5))), AnimationPicture)


async def animate(standin: StandIn, answer: Message, lang: str) -> Message:
    handle = await standin.click(
        answer, button(answer, LABEL[lang])["custom_id"], locale=LOCALES[lang]
    )
    callback = await handle.wait_callback()
    assert callback.type == 5 and callback.ephemeral  # thinking, for the clicker alone
    return await wait_answer(handle)


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_animate_button_sends_the_clicker_a_gif_of_the_run(shared_bot: LiveBot, lang):
    standin = shared_bot.standin
    locale = LOCALES[lang]
    answer = await wait_answer(await standin.invoke_command("solve", {}, locale=locale))
    sent = await animate(standin, answer, lang)
    assert sent.ephemeral and sent.id != answer.id
    (gif,) = sent.attachments
    assert re.fullmatch(r"run-\d+-path\.gif", gif.filename)
    assert sent.embeds[0]["image"]["url"] == gif.url and gif.content_type == "image/gif"
    assert len(frames_of(gif.data)) == MAX_FRAMES and len(gif.data) <= MAX_BYTES
    expected = {
        "en": "60 frames, iterations 0 to 100: the frames are denser where x moves most.",
        "ja": "60 コマ、反復 0 から 100 まで。",
    }[lang]
    assert expected in embed_text(sent)
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


async def test_animate_works_after_a_restart(standin: StandIn, own_bot: LiveBot):
    answer = await wait_answer(await standin.invoke_command("solve", {"steps": 20}))
    await own_bot.restart()
    sent = await animate(standin, answer, "en")
    assert len(frames_of(sent.attachments[0].data)) == 21  # x_0 … x_20: every one
    assert "iterations 0 to 20" in embed_text(sent)
    standin.assert_no_violations()


def test_the_console_saves_the_animation_and_prints_its_path(tmp_path):
    from console_harness import console_process

    process = console_process(tmp_path)
    lines = "/solve steps:30\n/animate\n/animate run:7\n"
    out, err = process.communicate(lines, timeout=180)
    assert process.returncode == 0 and "Traceback" not in err, err
    assert "Run #1: x moving along the loss curve" in out
    assert "31 frames, iterations 0 to 30" in out
    saved = re.findall(r"^\[saved (.+)\]$", out, flags=re.MULTILINE)
    assert [p.rsplit("/", 1)[-1] for p in saved] == ["run-1.png", "run-1-path.gif"]
    with open(saved[1], "rb") as gif:
        assert len(frames_of(gif.read())) == 31
    assert "I can't find run #7" in out
