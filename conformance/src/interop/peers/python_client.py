"""The interop scenario as a client, with Python's websockets (Debian python3-websockets).

Usage: /usr/bin/python3 python_client.py ws://127.0.0.1:PORT  — prints one JSON line.
"""
import asyncio
import json
import sys

import websockets

SIZES = [0, 1, 125, 126, 65535, 65536, 1048576]
UTF8 = "𝄞😀🌍 κόσμε — héllo 中文 " * 40


def text(n):
    return ("abcdefghijklmnopqrstuvwxyz0123456789" * (n // 36 + 1))[:n]


def data(n):
    return bytes((i * 31 + 7) & 0xFF for i in range(n))


async def scenario(base):
    checks = []

    def check(name, ok, detail=""):
        checks.append({"name": name, "ok": bool(ok), "detail": str(detail)})

    try:
        ws = await websockets.connect(base + "/interop", subprotocols=["nope", "chat"], max_size=None)
        check("subprotocol negotiated", ws.subprotocol == "chat", ws.subprotocol)
        for size in SIZES:
            await ws.send(text(size))
            check(f"text {size} B echoed", await ws.recv() == text(size))
            await ws.send(data(size))
            check(f"binary {size} B echoed", await ws.recv() == data(size))
        await ws.send(UTF8)
        check("UTF-8 with 4-byte characters echoed", await ws.recv() == UTF8)
        waiter = await ws.ping(b"client-ping")
        await asyncio.wait_for(waiter, 10)
        check("client ping answered with pong", True)
        await ws.send("cmd:ping:interop-ping")
        reply = await ws.recv()
        check("server ping answered with pong (same payload)", reply == "pong:interop-ping", reply)
        await ws.close(4000, "bye 👋")
        check("client close 4000 answered with 4000 (clean)", ws.close_code == 4000,
              f"{ws.close_code} {ws.close_reason!r}")

        ws = await websockets.connect(base + "/interop", max_size=None)
        check("no subprotocol when none offered", ws.subprotocol is None, ws.subprotocol)
        await ws.send("cmd:close:4001:server says bye ✓")
        try:
            await asyncio.wait_for(ws.recv(), 10)
            check("server close 4001 with reason", False, "got a message instead of the close")
        except websockets.ConnectionClosed:
            check("server close 4001 with reason",
                  ws.close_code == 4001 and ws.close_reason == "server says bye ✓",
                  f"{ws.close_code} {ws.close_reason!r}")
    except Exception as error:  # noqa: BLE001 - reported as a failed check
        check("scenario completed", False, repr(error))
    return checks


checks = asyncio.run(scenario(sys.argv[1]))
print(json.dumps({"runtime": f"python websockets {websockets.__version__}", "checks": checks}))
