// A TCP proxy on 127.0.0.1 for fault injection: forwards to a local port until told to drop every
// packet from then on (`blackhole`: the sockets stay open, nothing gets through either way, as on a
// link that died without a reset) or to cut the connections (`cut`). Only ever 127.0.0.1.

import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  port: number;
  /** From now on, nothing passes in either direction; connections stay open. */
  blackhole(): void;
  /** Destroys every connection (a reset). */
  cut(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<FaultProxy> {
  const pairs: Array<[Socket, Socket]> = [];
  let dropping = false;
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    pairs.push([client, upstream]);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (d: Buffer) => {
        if (!dropping && !to.destroyed) to.write(d);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      if (dropping) return; // a dead link does not pass the close on either
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    blackhole: () => void (dropping = true),
    cut: () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
