#!/usr/bin/env python3
"""A TCP proxy that slows or stalls what a server sends back: the slow and stalling registry
of node-runtime scenarios 27, 28, 30 and 32, in front of the real registry.

    slow-proxy.py --port-file FILE --target HOST:PORT --rate BYTES_PER_SECOND
                  [--stall-after BYTES] --log FILE

It listens on a free loopback port (written to --port-file), forwards the client's bytes as
they come, and sends the server's answer at --rate, each connection on its own. With
--stall-after a connection stops sending after that many bytes and stays open (a registry
that stalls mid-layer). Every connection is logged when it closes, so tests can see how many large downloads there were and whether they
overlapped.

Each line of the log is `<time of the first byte sent> <time of the last byte sent> <bytes>`
(a kept-alive connection may stay open long after its download).
"""
import argparse
import asyncio
import time


def note(counter, sent):
    if counter is not None:
        now = time.time()
        counter[0] = sent
        counter[1] = counter[1] or now
        counter[2] = now


async def pump(reader, writer, rate=None, stall_after=None, counter=None):
    sent = 0
    try:
        while True:
            chunk = await reader.read(16384 if rate is None else max(1024, rate // 20))
            if not chunk:
                break
            if stall_after is not None and sent + len(chunk) > stall_after:
                chunk = chunk[: max(0, stall_after - sent)]
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
                note(counter, sent)
                await asyncio.Event().wait()  # until the client gives up
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
            note(counter, sent)
            if rate is not None:
                await asyncio.sleep(len(chunk) / rate)
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--stall-after", type=int)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    host, port = options.target.rsplit(":", 1)

    async def serve(client_reader, client_writer):
        counter = [0, 0.0, 0.0]
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        upstream = asyncio.create_task(pump(client_reader, server_writer))
        downstream = asyncio.create_task(pump(server_reader, client_writer, options.rate, options.stall_after, counter))
        await asyncio.wait([upstream, downstream], return_when=asyncio.FIRST_COMPLETED)
        for task in (upstream, downstream):
            task.cancel()
        with open(options.log, "a") as log:
            log.write(f"{counter[1]:.3f} {counter[2]:.3f} {counter[0]}\n")

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    with open(options.port_file + ".tmp", "w") as file:
        file.write(str(server.sockets[0].getsockname()[1]))
    import os
    os.replace(options.port_file + ".tmp", options.port_file)
    async with server:
        await server.serve_forever()


asyncio.run(main())
