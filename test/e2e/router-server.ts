// The fake RouterOS behind a real OpenSSH server (test/fixtures/router/sshd.ts) for the real-editor upload
// tests, as a small program the code-server runner starts next to code-server:
//
//   node --conditions=import --import tsx test/e2e/router-server.ts
//
// Prints ONE JSON line on stdout, then keeps the server up until stdin closes or SIGTERM/SIGINT arrives:
//   {"port":N,"user":"...","password":"...","routerDir":"...","fingerprint":"SHA256:...","pid":N}   server up
// SIGUSR2 kills every SSH session of the fake router (fault injection: the connection dies mid-import);
// the suite sends it to `pid`, this process, by id.
//   {"unavailable":"why"}                                                                 no sshd / not root
// The password goes only to the runner (through this pipe), which types it into VS Code's input box as a
// user would; the extension host and the suite never see it. `fingerprint` is computed by ssh-keygen, not
// by the extension's code, so the suite can check the modal shows the server's real key.

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { sshdUnavailable, startFakeRouterSshd } from '../fixtures/router/sshd';

async function main(): Promise<void> {
  const why = sshdUnavailable();
  if (why) {
    process.stdout.write(JSON.stringify({ unavailable: why }) + '\n');
    return;
  }
  const srv = await startFakeRouterSshd();
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= srv.stop().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGUSR2', () => srv.killSessions());
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  // sshd.ts keeps the host key next to the router directory.
  const pub = join(dirname(srv.routerDir), 'host_ed25519.pub');
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub]).toString().split(/\s+/)[1];
  process.stdout.write(
    JSON.stringify({ port: srv.port, user: srv.user, password: srv.password, routerDir: srv.routerDir, fingerprint, pid: process.pid }) + '\n',
  );
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ unavailable: `the fake router could not start: ${e instanceof Error ? e.message : String(e)}` }) + '\n');
  process.exit(0);
});
