"""The gateway websocket: HELLO, IDENTIFY/READY, shards, heartbeats, RESUME with replay, dispatches."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads
from .shards import IdentifyLog, parse_shard, shard_of

if TYPE_CHECKING:
    from .server import StandIn

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message_content


@dataclass
class Heartbeat:
    """One op 1 from the client."""

    time: float
    connection: int
    seq: int | None


@dataclass
class Frame:
    """One frame the client sent (heartbeats included)."""

    time: float
    connection: int
    op: int
    d: Any


@dataclass
class Session:
    """A gateway session: its sequence, every dispatch (for replay), its live connection."""

    id: str
    identify: dict[str, Any]
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    resumable: bool = True
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    shard: tuple[int, int] = (0, 1)  # (shard_id, shard_count) from IDENTIFY
    guilds: int = 0  # GUILD_CREATEs sent after READY


class Connection:
    """One websocket, with its own transport compressor."""

    _ids = itertools.count(1)

    def __init__(
        self, request: web.Request, ws: web.WebSocketResponse, compress: str | None
    ) -> None:
        self.id = next(self._ids)
        self.request = request
        self.ws = ws
        self.path = request.path
        self.compress = compress
        self.session: Session | None = None
        self.opened = time.monotonic()
        self._compressor: Any = None
        if compress == "zlib-stream":
            self._compressor = zlib.compressobj()
        elif compress == "zstd-stream":
            import zstandard

            self._compressor = zstandard.ZstdCompressor().compressobj()
        self._send_lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one frame; with transport compression, one flushed chunk per frame."""
        text = json.dumps(frame, separators=(",", ":"))
        async with self._send_lock:
            if self.compress == "zlib-stream":
                data = self._compressor.compress(text.encode()) + self._compressor.flush(
                    zlib.Z_SYNC_FLUSH
                )
                await self.ws.send_bytes(data)
            elif self.compress == "zstd-stream":
                import zstandard

                data = self._compressor.compress(text.encode()) + self._compressor.flush(
                    zstandard.COMPRESSOBJ_FLUSH_BLOCK
                )
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)


class Gateway:
    """All gateway state of one stand-in."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None  # the latest identified session
        self.by_shard: dict[tuple[int, int], Session] = {}  # the latest session of each shard
        self.identify_log = IdentifyLog(standin.max_concurrency)
        self.connections: list[Connection] = []
        self.frames: list[Frame] = []
        self.heartbeats: list[Heartbeat] = []
        self.connects = 0
        self.identifies = 0
        self.resumes = 0  # successful RESUMEs
        self.replayed: list[dict[str, Any]] = []  # dispatches re-sent after a RESUME
        self.closes: list[tuple[int, int | None]] = []  # (connection id, close code we sent)

    def heartbeat_gaps(self) -> list[float]:
        """Seconds between consecutive heartbeats on the same connection."""
        gaps: list[float] = []
        last: dict[int, float] = {}
        for beat in self.heartbeats:
            if beat.connection in last:
                gaps.append(beat.time - last[beat.connection])
            last[beat.connection] = beat.time
        return gaps

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler of the websocket routes."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        conn = Connection(request, ws, compress)
        self.connections.append(conn)
        self.connects += 1
        self.standin.changed()
        if request.query.get("encoding", "json") != "json":
            self.standin.violation(
                "gateway", 4002, "WS", request.path, "only encoding=json is supported"
            )
            await ws.close(code=4002)
            return ws
        if compress not in (None, "zlib-stream", "zstd-stream"):
            self.standin.violation(
                "gateway", 4000, "WS", request.path, f"unknown compress={compress}"
            )
            await ws.close(code=4000)
            return ws
        try:
            await conn.send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.standin.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._received(conn, json.loads(msg.data))
        finally:
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            self.standin.changed()
        return ws

    async def _received(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, d = frame.get("op"), frame.get("d")
        now = time.monotonic()
        self.frames.append(Frame(now, conn.id, op, d))
        if op == 1:
            self.heartbeats.append(Heartbeat(now, conn.id, d))
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, d)
        elif op == 6:
            await self._resume(conn, d)
        elif op in (3, 4):
            pass  # presence and voice state updates: recorded in frames only
        elif op == 8:
            await self._request_members(conn, d)
        else:
            self.standin.violation("gateway", 4001, "WS", conn.path, f"unknown opcode {op}")
            await self._close(conn, 4001)
        self.standin.changed()

    async def _close(self, conn: Connection, code: int) -> None:
        self.closes.append((conn.id, code))
        await conn.ws.close(code=code)

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if conn.session is not None:
            self.standin.violation("gateway", 4005, "WS", conn.path, "IDENTIFY sent twice")
            await self._close(conn, 4005)
            return
        if d.get("token") != self.standin.token:
            self.standin.violation("gateway", 4004, "WS", conn.path, "IDENTIFY with a wrong token")
            await self._close(conn, 4004)
            return
        intents = int(d.get("intents") or 0)
        if intents & PRIVILEGED_INTENTS & ~self.standin.allowed_privileged_intents:
            self.standin.violation(
                "gateway", 4014, "WS", conn.path, f"privileged intents {intents}"
            )
            await self._close(conn, 4014)
            return
        shard = parse_shard(d.get("shard"))
        if isinstance(shard, str):
            self.standin.violation("gateway", 4010, "WS", conn.path, shard)
            await self._close(conn, 4010)
            return
        gap = self.identify_log.record(shard)
        if gap is not None and self.standin.strict_identify_pace:
            bucket = shard[0] % self.standin.max_concurrency
            self.standin.violation(
                "identify_pace", 0, "WS", conn.path, f"bucket {bucket}: IDENTIFY {gap:.2f} s after"
            )
        self.identifies += 1
        session = Session(id=payloads.token(16), identify=d, shard=shard)
        self.sessions[session.id] = session
        self.current = session
        self.by_shard[shard] = session
        async with session.lock:
            conn.session = session
            session.connection = conn
            guilds = self.standin.guild_payloads(shard)
            session.guilds = len(guilds)
            ready = self.standin.ready_payload(session.id, [g["id"] for g in guilds])
            if "shard" in d:
                ready["shard"] = d["shard"]
            await self._send_dispatch(session, "READY", ready)
            for guild in guilds:
                await self._send_dispatch(session, "GUILD_CREATE", guild)

    async def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        session = self.sessions.get(d.get("session_id") or "")
        if d.get("token") != self.standin.token or session is None or not session.resumable:
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        async with session.lock:
            old = session.connection
            if old is not None and old is not conn:
                await self._close(old, 4000)
            conn.session = session
            session.connection = conn
            last = d.get("seq") or 0
            for event in session.events:
                if event["s"] > last:
                    self.replayed.append(event)
                    await conn.send(event)
            self.resumes += 1
            await self._send_dispatch(session, "RESUMED", {})

    async def _request_members(self, conn: Connection, d: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            return
        guild_id = str(d.get("guild_id"))
        members = self.standin.guild_members(guild_id)
        chunk = {
            "guild_id": guild_id,
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "presences": [],
        }
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        async with session.lock:
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Number, keep and (when connected) send one dispatch; call with session.lock held."""
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        conn = session.connection
        if conn is not None and not conn.ws.closed:
            # On a dying socket the frame is lost here but kept in session.events for RESUME.
            with contextlib.suppress(ConnectionError):
                await conn.send(frame)

    def session_for(self, guild_id: str | None) -> Session | None:
        """The session Discord sends this guild's events to (guild None: a DM, shard 0).

        The latest identified session whose shard is the guild's under its own shard_count.
        """
        for session in reversed(list(self.by_shard.values())):
            shard_id, count = session.shard
            if shard_of(guild_id, count) == shard_id:
                return session
        return None

    def routed(self, event: str, data: dict[str, Any]) -> Session | None:
        """Where a dispatch goes: by its guild_id, DMs' interactions to shard 0, else current."""
        if "guild_id" in data or event == "INTERACTION_CREATE":
            return self.session_for(data.get("guild_id"))
        return self.current

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a dispatch to its shard's session (queued for replay if it is disconnected)."""
        session = self.routed(event, data)
        if session is None:
            raise RuntimeError("stand-in: no gateway session yet (has the client identified?)")
        async with session.lock:
            await self._send_dispatch(session, event, data)
            seq = session.seq
        self.standin.changed()
        return seq

    async def drop(
        self,
        code: int | None = 4000,
        *,
        resumable: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> None:
        """Close the socket of the current session, or of `shard`'s (code None: abort the TCP)."""
        session = self.current if shard is None else self.by_shard.get(shard)
        if session is None or session.connection is None:
            raise RuntimeError("stand-in: no connected gateway session to drop")
        session.resumable = resumable
        conn = session.connection
        session.connection = None
        if code is None:
            self.closes.append((conn.id, None))
            transport = conn.request.transport
            if transport is not None:
                transport.abort()
        else:
            await self._close(conn, code)
        self.standin.changed()
