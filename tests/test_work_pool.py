"""WorkPool admission, reservations, slots, failures and recovery; Cooldown with a fake clock."""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures.thread import BrokenThreadPool

import pytest

from bot.work_pool import Busy, Cooldown, CoolingDown, WorkPool


class Gate:
    """Jobs that block in their worker until the test opens the gate."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        self.threads: set[str] = set()
        self.calls = 0

    def job(self, value: int) -> int:
        with self.lock:
            self.calls += 1
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            self.threads.add(threading.current_thread().name)
        try:
            assert self.open.wait(10), "the test never opened the gate"
            return value
        finally:
            with self.lock:
                self.active -= 1


async def until(condition: Callable[[], bool]) -> None:
    """Yield to the loop and the workers until `condition` holds (generous bound)."""
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.001)


@pytest.fixture
def gate() -> Gate:
    return Gate()


async def test_busy_at_once_when_workers_and_queue_are_full(gate: Gate) -> None:
    pool = WorkPool(workers=2, queue=1)
    try:
        tasks = [asyncio.create_task(pool.run(gate.job, i)) for i in range(3)]
        await until(lambda: pool.running == 2 and pool.pending == 1)
        assert pool.full
        with pytest.raises(Busy):
            await pool.run(gate.job, 3)
        assert gate.calls == 2
        gate.open.set()
        assert await asyncio.gather(*tasks) == [0, 1, 2]
        assert (pool.running, pool.pending, pool.full) == (0, 0, False)
        assert gate.calls == 3
        assert await pool.run(gate.job, 4) == 4
    finally:
        gate.open.set()
        pool.shutdown()


async def test_queue_zero_means_only_the_workers(gate: Gate) -> None:
    pool = WorkPool(workers=1, queue=0)
    try:
        assert not pool.full
        task = asyncio.create_task(pool.run(gate.job, 1))
        await until(lambda: pool.running == 1)
        assert pool.pending == 0
        assert pool.full
        with pytest.raises(Busy):
            await pool.run(gate.job, 2)
        gate.open.set()
        assert await task == 1
    finally:
        gate.open.set()
        pool.shutdown()


async def test_concurrency_is_the_number_of_workers(gate: Gate) -> None:
    pool = WorkPool(workers=2, queue=10)
    try:
        tasks = [asyncio.create_task(pool.run(gate.job, i)) for i in range(8)]
        await until(lambda: pool.running == 2 and pool.pending == 6)
        assert gate.active == 2
        gate.open.set()
        assert await asyncio.gather(*tasks) == list(range(8))
        assert gate.most_active == 2
        assert len(gate.threads) == 2
        assert all(name.startswith("gd-worker") for name in gate.threads)
    finally:
        gate.open.set()
        pool.shutdown()


async def test_arguments_are_passed_through() -> None:
    pool = WorkPool(workers=1, queue=0)
    try:
        assert await pool.run(divmod, 17, 5) == (3, 2)
        assert await pool.run(int, "ff", base=16) == 255
    finally:
        pool.shutdown()


async def test_exception_reaches_caller_unchanged_and_frees_the_slot() -> None:
    pool = WorkPool(workers=1, queue=0)
    error = ValueError("boom")

    def fail() -> None:
        raise error

    try:
        for _ in range(5):  # with one slot, a leaked slot would make the next call Busy
            with pytest.raises(ValueError) as info:
                await pool.run(fail)
            assert info.value is error
            assert (pool.running, pool.pending) == (0, 0)
        assert await pool.run(lambda: "still works") == "still works"
    finally:
        pool.shutdown()


async def test_cancelled_waiting_job_never_runs_and_frees_its_slot(gate: Gate) -> None:
    pool = WorkPool(workers=1, queue=1)
    try:
        first = asyncio.create_task(pool.run(gate.job, 1))
        await until(lambda: pool.running == 1)
        second = asyncio.create_task(pool.run(gate.job, 2))
        await until(lambda: pool.pending == 1)
        second.cancel()
        await until(lambda: pool.pending == 0)
        third = asyncio.create_task(pool.run(gate.job, 3))  # admitted: the slot came back
        await until(lambda: pool.pending == 1)
        gate.open.set()
        assert await first == 1
        assert await third == 3
        assert second.cancelled()
        assert gate.calls == 2
    finally:
        gate.open.set()
        pool.shutdown()


async def test_cancelled_running_job_keeps_its_slot_until_it_ends(gate: Gate) -> None:
    pool = WorkPool(workers=1, queue=0)
    try:
        task = asyncio.create_task(pool.run(gate.job, 1))
        await until(lambda: pool.running == 1)
        task.cancel()
        await until(task.done)
        assert pool.running == 1  # the thread is still busy: admitting more would overbook
        with pytest.raises(Busy):
            await pool.run(gate.job, 2)
        gate.open.set()
        await until(lambda: pool.running == 0)
        assert await pool.run(gate.job, 3) == 3
    finally:
        gate.open.set()
        pool.shutdown()


async def test_broken_executor_fails_that_job_and_the_pool_recovers() -> None:
    starts: list[str] = []

    def initializer() -> None:
        starts.append(threading.current_thread().name)
        if len(starts) == 1:
            raise RuntimeError("worker failed to start")

    pool = WorkPool(workers=1, queue=0, initializer=initializer)
    try:
        with pytest.raises(BrokenThreadPool):
            await pool.run(lambda: "never")
        assert (pool.running, pool.pending) == (0, 0)
        assert await pool.run(lambda: "recovered") == "recovered"
        assert len(starts) == 2
    finally:
        pool.shutdown()


async def test_initializer_runs_once_in_each_worker(gate: Gate) -> None:
    names: list[str] = []
    pool = WorkPool(
        workers=2, queue=4, initializer=lambda: names.append(threading.current_thread().name)
    )
    try:
        tasks = [asyncio.create_task(pool.run(gate.job, i)) for i in range(6)]
        await until(lambda: pool.running == 2)
        gate.open.set()
        await asyncio.gather(*tasks)
        assert sorted(names) == sorted(gate.threads)
        assert len(names) == 2
    finally:
        gate.open.set()
        pool.shutdown()


async def test_shutdown_refuses_new_work() -> None:
    pool = WorkPool(workers=1, queue=0)
    assert await pool.run(lambda: 1) == 1
    pool.shutdown()
    with pytest.raises(RuntimeError, match="shut down"):
        await pool.run(lambda: 2)


def test_pool_sizes_are_checked() -> None:
    with pytest.raises(ValueError):
        WorkPool(workers=0, queue=1)
    with pytest.raises(ValueError):
        WorkPool(workers=1, queue=-1)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_counts_from_the_last_allowed_use() -> None:
    clock = FakeClock()
    cooldown = Cooldown(2.0, clock=clock)
    assert cooldown.check(1) == 0.0
    clock.now += 1.5
    assert cooldown.check(1) == pytest.approx(0.5)
    clock.now += 0.4
    assert cooldown.check(1) == pytest.approx(0.1)
    clock.now += 0.1  # 2.0 after the allowed use; the refusals did not restart the wait
    assert cooldown.check(1) == 0.0
    clock.now += 0.5
    assert cooldown.check(1) == pytest.approx(1.5)


def test_cooldown_is_per_user() -> None:
    clock = FakeClock()
    cooldown = Cooldown(2.0, clock=clock)
    assert cooldown.check(1) == 0.0
    clock.now += 1.0
    assert cooldown.check(2) == 0.0
    assert cooldown.check(1) == pytest.approx(1.0)
    assert cooldown.check(2) == pytest.approx(2.0)


def test_zero_cooldown_always_allows_and_remembers_nothing() -> None:
    cooldown = Cooldown(0, clock=FakeClock())
    assert [cooldown.check(1) for _ in range(5)] == [0.0] * 5
    assert len(cooldown) == 0


def test_cooldown_forgets_users_whose_wait_is_over() -> None:
    clock = FakeClock()
    cooldown = Cooldown(2.0, clock=clock)
    for user in range(1000):
        cooldown.check(user)
        clock.now += 0.001
    assert len(cooldown) == 1000
    clock.now += 1.4995  # now 1002.4995: users 0..499 (used at 1000.000..1000.499) are free
    assert cooldown.check(5000) == 0.0
    assert len(cooldown) == 500 + 1
    clock.now += 10
    assert cooldown.check(5000) == 0.0
    assert len(cooldown) == 1


def test_negative_cooldown_is_refused() -> None:
    with pytest.raises(ValueError):
        Cooldown(-1)


async def test_a_reservation_holds_its_slot_until_its_job_ends(gate: Gate) -> None:
    pool = WorkPool(workers=1, queue=1)
    try:
        first, second = pool.reserve(), pool.reserve()
        assert (pool.reserved, pool.pending, pool.full) == (2, 2, True)
        with pytest.raises(Busy):
            pool.reserve()
        with pytest.raises(Busy):
            await pool.run(gate.job, 0)
        task = asyncio.create_task(first.run(gate.job, 1))
        await until(lambda: pool.running == 1)
        assert (pool.reserved, pool.pending) == (1, 1)
        second.release()
        second.release()  # a second release gives nothing back twice
        assert (pool.reserved, pool.pending, pool.full) == (0, 0, False)
        first.release()  # the job took the slot: releasing now changes nothing
        assert pool.running == 1
        gate.open.set()
        assert await task == 1
        assert (pool.running, pool.pending) == (0, 0)
        with pytest.raises(RuntimeError):
            await first.run(gate.job, 2)
    finally:
        gate.open.set()
        pool.shutdown()


async def test_an_unused_reservation_lapses_after_hold_seconds() -> None:
    pool = WorkPool(workers=1, queue=0, hold_seconds=0.0)
    try:
        lapsed = pool.reserve()
        assert pool.pending == 0  # lapsed at once: nothing holds the only slot
        assert await lapsed.run(lambda: 7) == 7  # it asks for a new slot, free again
    finally:
        pool.shutdown()


def test_reserve_checks_the_queue_before_the_cooldown() -> None:
    clock = FakeClock()
    pool = WorkPool(workers=1, queue=0, cooldown=Cooldown(2.0, clock=clock))
    try:
        held = pool.reserve(user_id=1)
        with pytest.raises(Busy):
            pool.reserve(user_id=2)
        held.release()
        pool.reserve(user_id=2).release()  # user 2's busy answer spent no cooldown
        with pytest.raises(CoolingDown) as info:
            pool.reserve(user_id=2)
        assert info.value.seconds == 2.0
        assert pool.pending == 0
        clock.now += 2.0
        pool.reserve(user_id=2).release()
        pool.reserve().release()  # no user: no cooldown
    finally:
        pool.shutdown()
