// REST transport (RouterOS v7 `/rest`): HTTPS with Basic auth and the router's self-signed
// certificate pinned by its SHA-256 fingerprint (trust on first use), plain HTTP only when the profile
// opts in. Every request opens its own connection, and the fingerprint is checked on the finished TLS
// handshake BEFORE the request (with the credentials) is written to the socket.
//
// RouterOS ends every REST request after 60 s. Short commands go through `POST /rest/execute` with
// `as-string` (the router runs the script and answers its output as {"ret": "..."}). The import may
// take longer, so it runs as a background job: `/rest/execute` with `file=<out>.txt` answers the job
// id at once; the job list (`/rest/system/script/job`) is polled until the job is gone, then the
// output file is read and removed. The script itself is stored with `PUT /rest/file` (name, contents),
// which the router limits in size (60 KiB of contents): larger scripts need the SSH transport.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { mapNetError } from './ssh';
import { type ConnectOptions, PausableTimer, type RouterSession, defaultPort, trustId, withDeadline } from './transport';
import { UploadError } from './types';

export const FORGET_CERT_COMMAND = 'RouterOS: Forget Router Host Key (routeros.forgetHostKey)';

interface HttpResult {
  status: number;
  body: string;
}

class RestSession implements RouterSession {
  readonly kind = 'rest' as const;
  private readonly endpoint: string;
  private readonly auth: string;
  private readonly limitMs: number;
  private readonly pollMs: number;
  private seq = 0;

  constructor(private readonly o: ConnectOptions) {
    this.endpoint = `${o.profile.host}:${defaultPort(o.profile)}`;
    this.auth = 'Basic ' + Buffer.from(`${o.profile.user}:${o.credentials.password ?? ''}`, 'utf8').toString('base64');
    this.limitMs = o.requestLimitMs ?? 60_000;
    this.pollMs = o.pollIntervalMs ?? 1000;
  }

  /** A connected socket whose peer passed the pin check (HTTPS) or plain TCP (opted-in HTTP). */
  private socket(retry = true): Promise<Socket> {
    const { profile } = this.o;
    const port = defaultPort(profile);
    const id = trustId(profile);
    return new Promise((resolve, reject) => {
      let settled = false;
      let sock: Socket | undefined;
      const done = (e: Error | undefined, s?: Socket | Promise<Socket>) => {
        if (settled) return;
        settled = true;
        timer.stop();
        if (e) {
          sock?.destroy();
          reject(e instanceof UploadError ? e : this.mapTlsError(e));
        } else resolve(s!);
      };
      // The connect clock stops while the user reads a certificate fingerprint.
      const timer = new PausableTimer(this.o.connectTimeoutMs, () =>
        done(new UploadError('timeout', `Timed out connecting to ${this.endpoint} (no answer or no TLS handshake within ${Math.round(this.o.connectTimeoutMs / 1000)} s).`)),
      );
      if (profile.restAllowHttp) {
        const plain = netConnect({ host: profile.host, port }, () => {
          plain.removeAllListeners('error');
          done(undefined, plain);
        });
        sock = plain;
        plain.once('error', (e) => done(e));
        return;
      }
      const tls: TLSSocket = tlsConnect({ host: profile.host, port, rejectUnauthorized: false, servername: isIp(profile.host) ? undefined : profile.host });
      sock = tls;
      tls.once('error', (e) => done(e));
      tls.once('secureConnect', () => {
        const fp = tls.getPeerCertificate()?.fingerprint256;
        if (!fp) return done(new UploadError('protocol', `${this.endpoint} presented no TLS certificate.`));
        const known = this.o.trust.get(id);
        if (known === fp) {
          tls.removeAllListeners('error');
          return done(undefined, tls);
        }
        if (known) {
          return done(
            new UploadError(
              'certificate-changed',
              `The TLS certificate of ${profile.name} (${this.endpoint}) has CHANGED: SHA-256 ${fp}, trusted was ${known}. ` +
                `Upload blocked: someone may intercept the connection, or the router got a new certificate. ` +
                `If you know why, run "${FORGET_CERT_COMMAND}" and try again.`,
            ),
          );
        }
        timer.pause();
        this.o.prompt.confirmFingerprint('TLS certificate', `${profile.name} (${this.endpoint})`, fp).then(
          async (yes) => {
            if (settled) return; // the connection failed while the question was open: nothing is pinned
            if (!yes) return done(new UploadError('certificate-rejected', `The TLS certificate ${fp} of ${this.endpoint} was not trusted; nothing was uploaded.`));
            // The handshake that showed this certificate is complete: the peer holds its key.
            await this.o.trust.set(id, fp);
            if (tls.destroyed || !tls.writable) {
              // The router closed the idle connection while the user read: connect again (now pinned).
              if (!retry) return done(new UploadError('unreachable', `${this.endpoint} closed the connection twice during the TLS setup.`));
              return done(undefined, this.socket(false));
            }
            tls.removeAllListeners('error');
            done(undefined, tls);
          },
          (e: Error) => done(e),
        );
      });
    });
  }

  /** TLS to a port that answers plain HTTP fails with an OpenSSL record error: say what it means. */
  private mapTlsError(e: Error): UploadError {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || /wrong version number|http request|packet length too long/i.test(e.message)) {
      return new UploadError(
        'insecure-http',
        `${this.endpoint} speaks plain HTTP, not HTTPS. Point the profile "${this.o.profile.name}" at the router's HTTPS port ` +
          `(the www-ssl service, 443 by default; it needs a certificate: /ip service set www-ssl certificate=... disabled=no), ` +
          `or, only on a network you trust, set "restAllowHttp": true in that profile (the password then travels unencrypted).`,
      );
    }
    return mapNetError(e as NodeJS.ErrnoException, this.endpoint);
  }

  /** One HTTP request on a fresh pinned connection, aborted when it would pass the router's limit. */
  async http(method: string, path: string, body?: unknown, touched = false): Promise<HttpResult> {
    const sock = await this.socket();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    return new Promise<HttpResult>((resolve, reject) => {
      // Plain http.request over the already verified TLS socket: no agent, no second handshake.
      const req = httpRequest(
        {
          method,
          host: this.o.profile.host,
          port: defaultPort(this.o.profile),
          path: '/rest' + path,
          headers: {
            authorization: this.auth,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
          createConnection: () => sock,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') });
          });
          res.on('error', (e) => {
            clearTimeout(timer);
            reject(new UploadError('protocol', `Reading the answer of ${this.endpoint} failed: ${e.message}`, touched));
          });
        },
      );
      // Give up a little before the router would cut the request, to say clearly why.
      const timer = setTimeout(() => {
        req.destroy();
        reject(
          new UploadError(
            'timeout',
            `The router did not answer ${method} /rest${path} within ${Math.round(this.limitMs / 1000)} s (the REST request limit).`,
            touched,
          ),
        );
      }, Math.max(1, Math.floor(this.limitMs * 0.95)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (e.code === 'ECONNRESET' || /socket hang up/i.test(e.message)) {
          return reject(new UploadError('protocol', `The router closed ${method} /rest${path} without answering (RouterOS ends REST requests after ${Math.round(this.limitMs / 1000)} s).`, touched));
        }
        reject(mapNetError(e, this.endpoint));
      });
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Throws a clear error for a non-2xx answer; RouterOS error bodies are {error, message, detail}. */
  private check(r: HttpResult, what: string, touched = false): unknown {
    let json: unknown;
    try {
      json = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      json = undefined;
    }
    if (r.status === 401) {
      throw new UploadError('auth-failed', `The router ${this.o.profile.name} (${this.endpoint}) rejected the login of user "${this.o.profile.user}" (wrong password).`);
    }
    if (r.status < 200 || r.status >= 300) {
      const j = (json ?? {}) as { message?: string; detail?: string };
      const text = [j.message, j.detail].filter(Boolean).join(': ') || r.body.slice(0, 200) || `HTTP ${r.status}`;
      throw new UploadError('router-error', `${what} failed: the router answered ${r.status} (${text}).`, touched);
    }
    return json;
  }

  async run(command: string, options: { timeoutMs: number; long?: boolean }): Promise<string> {
    if (!options.long) {
      const r = await this.http('POST', '/execute', { script: command, 'as-string': '' }, true);
      const j = this.check(r, 'Running a command', true) as { ret?: string } | undefined;
      return typeof j?.ret === 'string' ? j.ret : '';
    }
    // Background job + output file, so no request comes near the router's 60 s limit.
    const out = `rsc-out-${Date.now().toString(36)}-${(this.seq++).toString(36)}.txt`;
    const started = await this.http('POST', '/execute', { script: command, file: out }, true);
    const j = this.check(started, 'Starting the import', true) as { ret?: string } | undefined;
    const job = j?.ret;
    const deadline = Date.now() + options.timeoutMs;
    try {
      for (;;) {
        const list = this.check(await this.http('GET', '/system/script/job', undefined, true), 'Watching the import', true);
        const running = Array.isArray(list) && list.some((x) => (x as Record<string, string>)['.id'] === job);
        if (!running) break;
        if (Date.now() > deadline) {
          throw new UploadError('timeout', `The import did not finish within ${Math.round(options.timeoutMs / 1000)} s; it may still be running on the router.`, true);
        }
        await new Promise((r) => setTimeout(r, this.pollMs));
      }
      const files = this.check(await this.http('GET', `/file?name=${encodeURIComponent(out)}`, undefined, true), 'Reading the import output', true);
      const f = Array.isArray(files) ? (files[0] as { contents?: string } | undefined) : undefined;
      return f?.contents ?? '';
    } finally {
      // Bounded: on a dead link the output file is left behind rather than holding the upload.
      const ms = this.o.stepTimeoutMs ?? 30_000;
      await withDeadline(this.removeFile(out), ms, () => new UploadError('timeout', `no answer within ${Math.round(ms / 1000)} s`, true)).catch(() => undefined);
    }
  }

  async putFile(name: string, content: Buffer): Promise<void> {
    const r = await this.http('PUT', '/file', { name, contents: content.toString('latin1') });
    this.check(r, `Storing ${name}`);
    const files = this.check(await this.http('GET', `/file?name=${encodeURIComponent(name)}`), `Checking ${name}`);
    const f = Array.isArray(files) ? (files[0] as { size?: string } | undefined) : undefined;
    if (!f) throw new UploadError('protocol', `The router did not keep ${name}.`);
    if (f.size !== undefined && +f.size !== content.length) {
      throw new UploadError('too-large', `The router stored only ${f.size} of ${content.length} bytes of ${name}; the script is too large for the REST transport, use SSH.`);
    }
  }

  async removeFile(name: string): Promise<void> {
    const files = this.check(await this.http('GET', `/file?name=${encodeURIComponent(name)}`), `Looking up ${name}`);
    for (const f of Array.isArray(files) ? (files as Array<Record<string, string>>) : []) {
      if (f['.id']) this.check(await this.http('DELETE', `/file/${encodeURIComponent(f['.id'])}`), `Removing ${name}`);
    }
  }

  close(): void {
    /* every request had its own connection */
  }
}

function isIp(h: string): boolean {
  return /^[\d.]+$/.test(h) || h.includes(':');
}

/** Opens a REST "session": proves the pin and the credentials with one cheap request. */
export async function connectRest(o: ConnectOptions): Promise<RouterSession> {
  const s = new RestSession(o);
  const r = await s.http('GET', '/system/resource');
  (s as unknown as { check(r: HttpResult, w: string): unknown }).check(r, 'Logging in');
  return s;
}
