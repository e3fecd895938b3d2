// The network knock sender: performs a knock sequence against a host, one stage at a time, in order.
// TCP stages are connection attempts (a SYN) abandoned after a short timeout: the router drops them,
// the knock is the attempt itself. UDP stages are datagrams carrying the stage's layer7 passphrase
// when it has one. No vscode import: the CLI (`rsc-lint knock`) and the editor command share it.

import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';

export interface KnockStep {
  /** 1-based stage number (for reports). */
  stage: number;
  protocol: 'tcp' | 'udp';
  port: number;
  /** UDP payload (the layer7 passphrase); empty datagram when undefined. */
  payload?: string;
}

export type StepOutcome =
  /** TCP: the host accepted the connection (the port is open). */
  | 'connected'
  /** TCP: the host refused (RST): the SYN arrived. */
  | 'refused'
  /** TCP: no answer within the timeout (what a firewall that drops knocks looks like). */
  | 'no-answer'
  /** UDP: the datagram was handed to the network. */
  | 'sent'
  /** Could not be sent (unreachable network, bad address...). */
  | 'error';

export interface StepResult {
  step: KnockStep;
  outcome: StepOutcome;
  /** Milliseconds from the start of the knock to this step's send. */
  at: number;
  /** Time the step took. */
  ms: number;
  error?: string;
}

export interface KnockOptions {
  host: string;
  /** Wait between steps, ms (default 500). */
  delayMs?: number;
  /** How long a TCP attempt waits for an answer, ms (default 300). */
  tcpTimeoutMs?: number;
  /** Called after each step. */
  onStep?: (r: StepResult) => void;
  signal?: AbortSignal;
}

export class KnockError extends Error {
  override name = 'KnockError';
}

/** Resolves `host` once (so every stage goes to the same address and DNS does not delay a stage). */
export async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = net.isIP(host);
  if (literal) return { address: host, family: literal as 4 | 6 };
  try {
    const r = await dns.promises.lookup(host);
    return { address: r.address, family: r.family as 4 | 6 };
  } catch (e) {
    throw new KnockError(`cannot resolve ${host}: ${(e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e))}`);
  }
}

function tcpAttempt(address: string, port: number, timeoutMs: number): Promise<{ outcome: StepOutcome; error?: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: address, port });
    let done = false;
    const finish = (r: { outcome: StepOutcome; error?: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ outcome: 'no-answer' }), timeoutMs);
    sock.once('connect', () => finish({ outcome: 'connected' }));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') finish({ outcome: 'refused' });
      else finish({ outcome: 'error', error: e.code ?? e.message });
    });
  });
}

function udpSend(address: string, family: 4 | 6, port: number, payload: string | undefined): Promise<{ outcome: StepOutcome; error?: string }> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    const buf = Buffer.from(payload ?? '', 'utf8');
    sock.once('error', (e: NodeJS.ErrnoException) => {
      sock.close();
      resolve({ outcome: 'error', error: e.code ?? e.message });
    });
    sock.send(buf, port, address, (e) => {
      sock.close();
      resolve(e ? { outcome: 'error', error: (e as NodeJS.ErrnoException).code ?? e.message } : { outcome: 'sent' });
    });
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/**
 * Sends the steps in order, `delayMs` apart (measured from the start of one step to the start of the
 * next, so a TCP timeout does not stretch the sequence). Stops early when `signal` aborts. An error on
 * one step is reported and the others are still sent.
 */
export async function sendKnock(steps: readonly KnockStep[], options: KnockOptions): Promise<StepResult[]> {
  const delay = Math.max(0, options.delayMs ?? 500);
  const tcpTimeout = Math.max(1, options.tcpTimeoutMs ?? Math.min(300, Math.max(50, delay)));
  const { address, family } = await resolveHost(options.host);
  const t0 = Date.now();
  const out: StepResult[] = [];
  for (let i = 0; i < steps.length; i++) {
    if (options.signal?.aborted) break;
    const step = steps[i];
    const at = Date.now() - t0;
    const r = step.protocol === 'tcp' ? await tcpAttempt(address, step.port, tcpTimeout) : await udpSend(address, family, step.port, step.payload);
    const result: StepResult = { step, outcome: r.outcome, at, ms: Date.now() - t0 - at };
    if (r.error) result.error = r.error;
    out.push(result);
    options.onStep?.(result);
    if (i < steps.length - 1) await sleep(delay - (Date.now() - t0 - at), options.signal);
  }
  return out;
}

/** A TCP connection test to the protected port after knocking: does it answer now? */
export async function checkPort(host: string, port: number, timeoutMs = 3000): Promise<StepOutcome> {
  const { address } = await resolveHost(host);
  return (await tcpAttempt(address, port, timeoutMs)).outcome;
}

/** "tcp 7342: no answer (dropped, as a knock should be)" */
export function describeStep(r: StepResult): string {
  const s = r.step;
  const what = `${s.protocol} ${s.port}${s.payload !== undefined ? ` with a ${Buffer.byteLength(s.payload)}-byte payload` : ''}`;
  const how: Record<StepOutcome, string> = {
    connected: 'connected (the port is open)',
    refused: 'refused (reset: the attempt reached the host)',
    'no-answer': 'sent, no answer (dropped, as a knock should be)',
    sent: 'sent',
    error: `not sent: ${r.error ?? 'error'}`,
  };
  return `stage ${s.stage}: ${what}: ${how[r.outcome]} (+${r.at} ms)`;
}
