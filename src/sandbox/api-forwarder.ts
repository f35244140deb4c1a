// The sandbox's only way out: a Unix socket, bound into the sandbox's empty network namespace, whose
// connections the harness pipes to the API server. Inside, socat turns 127.0.0.1:<port> into this
// socket, so kubectl talks TLS to the real API server end to end; the harness only copies bytes.
//
// An exception to "every server listens on 127.0.0.1 with TLS and authorization": this is no TCP
// server at all. The socket file is owned by the sandbox's uid, mode 0600, in a directory only root
// writes, so nothing else on the host can connect; TLS and authorization are the API server's own.
import { chmod, chown } from 'node:fs/promises';
import net from 'node:net';

export interface ApiForwarder {
  close(): Promise<void>;
}

export async function startApiForwarder(socketPath: string, target: { host: string; port: number }, owner: number): Promise<ApiForwarder> {
  const open = new Set<net.Socket>();
  const server = net.createServer((inside) => {
    const outside = net.connect(target.port, target.host);
    for (const s of [inside, outside]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      // Either side failing ends both: kubectl then reports a connection error, as without a sandbox.
      s.on('error', () => { inside.destroy(); outside.destroy(); });
    }
    inside.pipe(outside).pipe(inside);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chown(socketPath, owner, owner);
  await chmod(socketPath, 0o600);
  return {
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
