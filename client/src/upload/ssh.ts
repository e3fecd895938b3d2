// SSH transport (ssh2): host key trust on first use, password or key login, SFTP for the file,
// one exec channel per console command. Errors become UploadErrors that name the cause and never
// carry a secret (ssh2's own messages never include the password; we do not add it either).

import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { type ConnectOptions, type RouterSession, defaultPort, trustId } from './transport';
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

class SshSession implements RouterSession {
  readonly kind = 'ssh' as const;
  private sftpP?: Promise<SFTPWrapper>;
  constructor(private readonly client: Client, private readonly endpoint: string) {}

  run(command: string, options: { timeoutMs: number }): Promise<string> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream: ClientChannel) => {
        if (err) return reject(new UploadError('protocol', `The router refused to run a command over SSH: ${err.message}`, true));
        let out = '';
        let done = false;
        const timer = setTimeout(() => {
          if (done) return;
          done = true;
          stream.close();
          reject(new UploadError('timeout', `The router did not finish within ${Math.round(options.timeoutMs / 1000)} s; the command may still be running on the router.`, true));
        }, options.timeoutMs);
        stream.on('data', (d: Buffer) => (out += d.toString('latin1')));
        stream.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
        stream.on('close', () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve(out);
        });
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpP ??= new Promise((resolve, reject) =>
      this.client.sftp((err, s) => (err ? reject(new UploadError('protocol', `SFTP is not available on ${this.endpoint}: ${err.message}`)) : resolve(s))),
    );
    return this.sftpP;
  }

  async putFile(name: string, content: Buffer): Promise<void> {
    const s = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      s.writeFile(name, content, (err) => (err ? reject(new UploadError('protocol', `Uploading ${name} failed: ${err.message}`)) : resolve())),
    );
    const size = await new Promise<number>((resolve, reject) =>
      s.stat(name, (err, st) => (err ? reject(new UploadError('protocol', `Uploaded ${name} cannot be found on the router: ${err.message}`)) : resolve(st.size))),
    );
    if (size !== content.length) throw new UploadError('protocol', `The router stored ${size} of ${content.length} bytes of ${name}.`);
  }

  async removeFile(name: string): Promise<void> {
    const s = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      s.unlink(name, (err) => (err && !/no such file/i.test(err.message) ? reject(new UploadError('protocol', `Removing ${name} failed: ${err.message}`, true)) : resolve())),
    );
  }

  close(): void {
    this.client.end();
  }
}

export async function connectSsh(o: ConnectOptions): Promise<RouterSession> {
  const { profile } = o;
  const port = defaultPort(profile);
  const endpoint = `${profile.host}:${port}`;
  const id = trustId(profile);
  let hostKeyProblem: UploadError | undefined;
  const client = new Client();
  const config: ConnectConfig = {
    host: profile.host,
    port,
    username: profile.user,
    readyTimeout: o.connectTimeoutMs,
    keepaliveInterval: 15_000,
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
      o.prompt
        .confirmFingerprint('ssh host key', `${profile.name} (${endpoint})`, fp)
        .then(async (yes) => {
          if (yes) await o.trust.set(id, fp);
          else hostKeyProblem = new UploadError('host-key-rejected', `The SSH host key ${fp} of ${endpoint} was not trusted; nothing was uploaded.`);
          verify(yes);
        })
        .catch(() => verify(false));
    }) as unknown as ConnectConfig['hostVerifier'],
  };
  if (o.credentials.privateKey) {
    config.privateKey = o.credentials.privateKey;
    if (o.credentials.passphrase) config.passphrase = o.credentials.passphrase;
  }
  if (o.credentials.password !== undefined) config.password = o.credentials.password;

  return new Promise<RouterSession>((resolve, reject) => {
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(new SshSession(client, endpoint));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      if (hostKeyProblem) return reject(hostKeyProblem);
      if (err.level === 'client-authentication') {
        return reject(new UploadError('auth-failed', `The router ${profile.name} (${endpoint}) rejected the login of user "${profile.user}" (wrong password or key).`));
      }
      if (/passphrase|encrypted private key|Cannot parse privateKey/i.test(err.message)) {
        return reject(new UploadError('auth-failed', `The private key for ${profile.name} could not be read (missing or wrong passphrase, or unsupported key format).`));
      }
      reject(mapNetError(err, endpoint));
    });
    client.on('close', () => {
      if (settled) return;
      settled = true;
      reject(hostKeyProblem ?? new UploadError('unreachable', `The connection to ${endpoint} closed before login completed.`));
    });
    try {
      client.connect(config);
    } catch (e) {
      settled = true;
      reject(new UploadError('auth-failed', `Cannot start the SSH login to ${endpoint}: ${(e as Error).message}`));
    }
  });
}
