"""The interop protocol as a server, with Python's websockets (Debian python3-websockets).

Echoes text and binary; "cmd:ping:X" makes it ping with X and answer "pong:X" once the pong
arrives; "cmd:close:CODE:REASON" makes it close. Chooses subprotocol "chat" when offered.
Prints "listening PORT", then one JSON line per connection end with the close it received.
Usage: /usr/bin/python3 python_server.py
"""
import asyncio
import json

import websockets


async def handler(ws, path=None):
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith("cmd:ping:"):
                payload = message[len("cmd:ping:"):]
                waiter = await ws.ping(payload.encode())
                await waiter
                await ws.send("pong:" + payload)
            elif isinstance(message, str) and message.startswith("cmd:close:"):
                _, _, code, reason = message.split(":", 3)
                await ws.close(int(code), reason)
            else:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    print(json.dumps({"close": ws.close_code, "reason": ws.close_reason}), flush=True)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat"], max_size=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"listening {port}", flush=True)
        await asyncio.Future()


asyncio.run(main())
