// SSH transport (ssh2): host key trust on first use, password or key login, SFTP for the file,
// one exec channel per console command. Errors become UploadErrors that name the cause and never
// carry a secret (ssh2's own messages never include the password; we do not add it either).

import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { type ConnectOptions, PausableTimer, type RouterSession, defaultPort, trustId } from './transport';
import { UploadError } from './types';

/** OpenSSH-style fingerprint of a raw public key blob: `SHA256:<base64 without padding>`. */
export function sshFingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

export const FORGET_HOST_KEY_COMMAND = 'RouterOS: Forget Router Host Key (routeros.forgetHostKey)';

export function mapNetError(err: NodeJS.ErrnoException & { level?: string }, endpoint: string): UploadError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return new UploadError('refused', `Connection to ${endpoint} was refused: nothing listens on that port (is the service enabled on the router?).`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new UploadError('unreachable', `Cannot resolve the router's host name (${endpoint}).`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') return new UploadError('unreachable', `The router at ${endpoint} is unreachable (${code}).`);
  if (code === 'ETIMEDOUT' || err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new UploadError('timeout', `Timed out connecting to ${endpoint} (no answer or no SSH handshake).`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return new UploadError('unreachable', `The connection to ${endpoint} was closed by the other side (${code}).`);
  return new UploadError('protocol', `Connection to ${endpoint} failed: ${err.message}`);
}

const KEEPALIVE_COUNT = 3;

class SshSession implements RouterSession {
  readonly kind = 'ssh' as const;
  private sftpP?: Promise<SFTPWrapper>;
  /** Set once the connection is gone (closed, reset, or found dead by keepalive): every step fails at once. */
  private dead?: UploadError;
  private readonly waiting = new Set<(e: UploadError) => void>();

  constructor(
    private readonly client: Client,
    private readonly endpoint: string,
    private readonly stepMs: number,
    private readonly keepaliveMs: number,
  ) {
    client.on('error', (e: Error) => this.die(e));
    client.on('close', () => this.die());
    client.on('end', () => this.die());
  }

  private die(e?: Error): void {
    if (this.dead) return;
    const keepalive = !!e && /keepalive/i.test(e.message);
    this.dead = new UploadError(
      'connection-lost',
      keepalive
        ? `The link to ${this.endpoint} is dead: it answered none of ${KEEPALIVE_COUNT} keepalives in ${Math.round((this.keepaliveMs * (KEEPALIVE_COUNT + 1)) / 1000)} s.`
        : `The connection to ${this.endpoint} was lost${e ? ` (${e.message})` : ''}.`,
      true,
    );
    for (const f of this.waiting) f(this.dead);
    this.waiting.clear();
  }

  /**
   * One network step: settles when `start` calls back, or rejects when the connection dies or after
   * `ms`. Nothing the server does (or fails to do) can keep it waiting longer.
   */
  private step<T>(ms: number, onTimeout: () => UploadError, start: (ok: (v: T) => void, fail: (e: UploadError) => void) => (() => void) | void): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<T>((resolve, reject) => {
      let done = false;
      let abort: (() => void) | void;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiting.delete(onDead);
        f();
      };
      const onDead = (e: UploadError) => finish(() => reject(e));
      this.waiting.add(onDead);
      const timer = setTimeout(
        () =>
          finish(() => {
            try {
              abort?.();
            } catch {
              // the channel is gone already
            }
            reject(onTimeout());
          }),
        Math.max(1, ms),
      );
      try {
        abort = start(
          (v) => finish(() => resolve(v)),
          (e) => finish(() => reject(e)),
        );
      } catch (e) {
        finish(() => reject(e instanceof UploadError ? e : new UploadError('protocol', (e as Error).message, true)));
      }
    });
  }

  run(command: string, options: { timeoutMs: number }): Promise<string> {
    return this.step<string>(
      options.timeoutMs,
      () => new UploadError('timeout', `The router did not finish within ${Math.round(options.timeoutMs / 1000)} s; the command may still be running on the router.`, true),
      (ok, fail) => {
        let stream: ClientChannel | undefined;
        const opened = setTimeout(() => fail(new UploadError('timeout', `The router did not open a command channel within ${Math.round(this.stepMs / 1000)} s.`, true)), this.stepMs);
        this.client.exec(command, (err, s: ClientChannel) => {
          clearTimeout(opened);
          if (err) return fail(new UploadError('protocol', `The router refused to run a command over SSH: ${err.message}`, true));
          stream = s;
          let out = '';
          let exited = false;
          s.on('exit', () => (exited = true));
          s.on('data', (d: Buffer) => (out += d.toString('latin1')));
          s.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
          s.on('close', () => {
            if (exited) return ok(out);
            // Closed without an exit status: the channel went down with the connection, or the server
            // closed it. Give the connection's own close event a moment to say which.
            setTimeout(() => (this.dead ? fail(this.dead) : ok(out)), 200);
          });
        });
        return () => {
          clearTimeout(opened);
          stream?.close();
        };
      },
    );
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpP ??= this.step<SFTPWrapper>(
      this.stepMs,
      () => new UploadError('timeout', `The router did not start SFTP within ${Math.round(this.stepMs / 1000)} s.`),
      (ok, fail) => {
        this.client.sftp((err, s) => (err ? fail(new UploadError('protocol', `SFTP is not available on ${this.endpoint}: ${err.message}`)) : ok(s)));
      },
    );
    return this.sftpP;
  }

  private sftpStep<T>(what: string, ms: number, touched: boolean, start: (s: SFTPWrapper, ok: (v: T) => void, fail: (e: UploadError) => void) => void): Promise<T> {
    return this.sftp().then((s) =>
      this.step<T>(ms, () => new UploadError('timeout', `${what}: the router did not answer within ${Math.round(ms / 1000)} s.`, touched), (ok, fail) => start(s, ok, fail)),
    );
  }

  async putFile(name: string, content: Buffer): Promise<void> {
    // Room for a slow link: the step deadline plus one second per 16 KiB.
    const writeMs = this.stepMs + Math.ceil(content.length / 16);
    await this.sftpStep<void>(`Uploading ${name}`, writeMs, false, (s, ok, fail) =>
      s.writeFile(name, content, (err) => (err ? fail(new UploadError('protocol', `Uploading ${name} failed: ${err.message}`)) : ok())),
    );
    const size = await this.sftpStep<number>(`Checking ${name}`, this.stepMs, false, (s, ok, fail) =>
      s.stat(name, (err, st) => (err ? fail(new UploadError('protocol', `Uploaded ${name} cannot be found on the router: ${err.message}`)) : ok(st.size))),
    );
    if (size !== content.length) throw new UploadError('protocol', `The router stored ${size} of ${content.length} bytes of ${name}.`);
  }

  async removeFile(name: string): Promise<void> {
    await this.sftpStep<void>(`Removing ${name}`, this.stepMs, true, (s, ok, fail) =>
      s.unlink(name, (err) => (err && !/no such file/i.test(err.message) ? fail(new UploadError('protocol', `Removing ${name} failed: ${err.message}`, true)) : ok())),
    );
  }

  close(): void {
    try {
      this.client.end();
    } catch {
      // already closed
    }
    // A dead link may never finish the polite close: cut it after a moment.
    setTimeout(() => {
      try {
        this.client.destroy();
      } catch {
        // already gone
      }
    }, 1000).unref();
  }
}

export async function connectSsh(o: ConnectOptions): Promise<RouterSession> {
  const { profile } = o;
  const port = defaultPort(profile);
  const endpoint = `${profile.host}:${port}`;
  const id = trustId(profile);
  const stepMs = o.stepTimeoutMs ?? 30_000;
  const keepaliveMs = o.keepaliveIntervalMs ?? 10_000;
  let hostKeyProblem: UploadError | undefined;
  /** The fingerprint the user confirmed: pinned only when the handshake that showed it completes. */
  let confirmed: string | undefined;
  let asking = false;
  let settled = false;
  const client = new Client();
  let timer: PausableTimer | undefined;
  let rejectConnect: (e: UploadError) => void = () => undefined;
  const config: ConnectConfig = {
    host: profile.host,
    port,
    username: profile.user,
    // Our own clock (below) replaces ssh2's: it stops while the user reads the fingerprint.
    readyTimeout: 0,
    keepaliveInterval: keepaliveMs,
    keepaliveCountMax: KEEPALIVE_COUNT,
    tryKeyboard: false,
    hostVerifier: ((key: Buffer, verify: (ok: boolean) => void) => {
      const fp = sshFingerprint(key);
      const known = o.trust.get(id);
      if (known === fp) return verify(true);
      if (known) {
        hostKeyProblem = new UploadError(
          'host-key-changed',
          `The SSH host key of ${profile.name} (${endpoint}) has CHANGED: it is now ${fp}, trusted was ${known}. ` +
            `This can mean someone intercepts the connection, or the router was reinstalled. Upload blocked. ` +
            `If you know why the key changed, run "${FORGET_HOST_KEY_COMMAND}" and try again.`,
        );
        return verify(false);
      }
      timer?.pause();
      asking = true;
      o.prompt
        .confirmFingerprint('ssh host key', `${profile.name} (${endpoint})`, fp)
        .then(
          (yes) => {
            asking = false;
            if (settled) return; // the connection ended while the question was open: nothing to pin
            if (yes) confirmed = fp;
            else hostKeyProblem = new UploadError('host-key-rejected', `The SSH host key ${fp} of ${endpoint} was not trusted; nothing was uploaded.`);
            timer?.resume(o.connectTimeoutMs); // the network part after the answer gets the whole budget again
            verify(yes);
          },
          () => {
            asking = false;
            verify(false);
          },
        );
    }) as unknown as ConnectConfig['hostVerifier'],
  };
  if (o.credentials.privateKey) {
    config.privateKey = o.credentials.privateKey;
    if (o.credentials.passphrase) config.passphrase = o.credentials.passphrase;
  }
  if (o.credentials.password !== undefined) config.password = o.credentials.password;

  return new Promise<RouterSession>((resolve, reject) => {
    rejectConnect = (e) => {
      if (settled) return;
      settled = true;
      timer?.stop();
      reject(e);
    };
    timer = new PausableTimer(o.connectTimeoutMs, () => {
      rejectConnect(new UploadError('timeout', `Timed out connecting to ${endpoint} (no answer or no SSH handshake within ${Math.round(o.connectTimeoutMs / 1000)} s).`));
      client.destroy();
    });
    client.on('handshake', () => {
      // The key exchange (with the host key's signature) is complete: now the confirmed key is proven.
      if (confirmed && !settled) void o.trust.set(id, confirmed);
    });
    client.once('ready', () => {
      if (settled) return void client.end();
      settled = true;
      timer?.stop();
      resolve(new SshSession(client, endpoint, stepMs, keepaliveMs));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      client.end();
      if (hostKeyProblem) return rejectConnect(hostKeyProblem);
      if (err.level === 'client-authentication') {
        return rejectConnect(new UploadError('auth-failed', `The router ${profile.name} (${endpoint}) rejected the login of user "${profile.user}" (wrong password or key).`));
      }
      if (/passphrase|encrypted private key|Cannot parse privateKey/i.test(err.message)) {
        return rejectConnect(new UploadError('auth-failed', `The private key for ${profile.name} could not be read (missing or wrong passphrase, or unsupported key format).`));
      }
      rejectConnect(mapNetError(err, endpoint));
    });
    client.on('close', () => {
      if (settled) return;
      rejectConnect(
        hostKeyProblem ??
          new UploadError(
            'unreachable',
            asking
              ? `The router ${endpoint} closed the connection while the host key question was open; nothing was pinned. Run the command again.`
              : `The connection to ${endpoint} closed before login completed.`,
          ),
      );
    });
    try {
      client.connect(config);
    } catch (e) {
      rejectConnect(new UploadError('auth-failed', `Cannot start the SSH login to ${endpoint}: ${(e as Error).message}`));
    }
  });
}
