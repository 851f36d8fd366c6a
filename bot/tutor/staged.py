"""Numbers first, the picture after: a job's two stages and the reply they make.

In the reserved worker slot the job solves, hands its result to the event loop at once (the
numbers go out while it goes on), then prepares the picture's plain data there too (torch is
needed). The drawing itself happens in the renderer, outside the slot, so the next solve
never waits behind a drawing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from solver.plots.pictures import Picture
from solver.words import t

from ..reply import Attachment, Reply
from ..work_pool import Reservation

if TYPE_CHECKING:
    from .context import TutorContext

log = logging.getLogger(__name__)
T = TypeVar("T")
Publish = Callable[[T], None]


class PictureFailed(Exception):
    """The picture could not be prepared or drawn; the numbers stand without it."""


@dataclass(frozen=True)
class Staged:
    """A reply in two steps: `numbers` now (saying the picture is coming), the picture later."""

    numbers: Reply
    picture: asyncio.Future[bytes]  # may be shared with other replies: never cancel it
    filename: str
    lang: str

    async def final(self) -> Reply:
        """The numbers with the picture; if it could not be drawn, with a note saying so."""
        try:
            png = await asyncio.shield(self.picture)
        except (PictureFailed, asyncio.CancelledError):
            if not self.picture.done():
                raise  # this waiter was cancelled, not the picture
            return dataclasses.replace(self.numbers, note=t(self.lang, "solve.picture_failed"))
        return dataclasses.replace(self.numbers, note="", image=Attachment(self.filename, png))


def staged(reply: Reply, picture: asyncio.Future[bytes], filename: str, lang: str) -> Staged:
    """The numbers `reply`, marked as waiting for its picture."""
    pending = dataclasses.replace(reply, note=t(lang, "solve.picture_pending"))
    return Staged(pending, picture, filename, lang)


def futures() -> tuple[asyncio.Future[Any], asyncio.Future[bytes]]:
    """A result future and a picture future on the running loop, their errors never 'lost'."""
    loop = asyncio.get_running_loop()
    result: asyncio.Future[Any] = loop.create_future()
    picture: asyncio.Future[bytes] = loop.create_future()
    for future in (result, picture):
        future.add_done_callback(_retrieve)
    return result, picture


async def run_in_stages(
    ctx: TutorContext,
    reservation: Reservation,
    work: Callable[[Publish[T]], Picture | None],
    result: asyncio.Future[T],
    picture: asyncio.Future[bytes],
) -> None:
    """Run `work(publish)` in the reserved slot, then draw the picture it returns.

    `work` calls `publish(value)` as soon as it has the numbers (that resolves `result`),
    then returns the picture's plain data (None if it could not). A failure before publishing
    fails `result` with UserError("bot.worker_failed"); a picture that cannot be drawn fails
    `picture` with PictureFailed. Both are always resolved.
    """
    loop = asyncio.get_running_loop()

    def publish(value: T) -> None:  # called in the worker thread
        loop.call_soon_threadsafe(_settle, result, value)

    try:
        prepared = await ctx.compute(reservation, work, publish)
    except asyncio.CancelledError:
        result.cancel()
        picture.cancel()
        raise
    except Exception as error:  # UserError: busy, or the worker failed (logged)
        _fail(result, error)
        _fail(picture, PictureFailed("the run failed"))
        return
    if not result.done():  # `work` returned without publishing: a bug, answered as a failure
        _fail(result, RuntimeError("the job published no result"))
    if prepared is None:
        _fail(picture, PictureFailed("the picture could not be prepared"))
        return
    try:
        png = await ctx.renderer.draw(prepared)
    except asyncio.CancelledError:
        _fail(picture, PictureFailed("the drawing was cancelled"))
        raise
    except Exception:
        log.warning("a picture could not be drawn; its numbers went out without it", exc_info=True)
        _fail(picture, PictureFailed("the drawing failed"))
    else:
        _settle(picture, png)


def prepared_or_none(prepare: Callable[[], Picture]) -> Picture | None:
    """`prepare()`, or None (logged) if it fails: a picture must never sink its numbers."""
    try:
        return prepare()
    except Exception:
        log.warning("a picture could not be prepared", exc_info=True)
        return None


def _settle(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


def _retrieve(future: asyncio.Future[Any]) -> None:
    # Every waiter may be gone; reading the exception keeps asyncio from reporting it lost.
    if not future.cancelled():
        future.exception()
