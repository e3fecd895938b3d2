// `rsc-lint knock FILE HOST [options]`: performs the file's knock sequence against HOST for real (TCP
// connection attempts, UDP datagrams with the layer7 passphrase), reporting each step. The sender lives
// in client/src/knock (shared with the editor's "RouterOS: Knock" command).

import { parse } from '../parser';
import { buildModel, findKnockSequences } from '../model';
import { describeKnockSequence } from '../features/knockClients';
import { parseTimeout } from '../model/values';
import { checkPort, describeStep, KnockError, sendKnock } from '../../../client/src/knock/sender';
import { stepsFromSequence } from '../../../client/src/knock/steps';
import { CliError, type CliIO } from './io';
import { isIP } from 'node:net';
import { escapeControl } from './formats';
import { readScript } from './simulate';
import type { Subcommand } from './subcommands';

export const KNOCK_USAGE = `Usage: rsc-lint knock FILE HOST [options]

Knocks on HOST with the port-knocking sequence FILE sets up: TCP stages as connection attempts
(abandoned after --timeout), UDP stages as datagrams carrying the stage's layer7 passphrase, in order,
--delay apart. Reports each step. Only talk to routers you administer.

Options:
      --delay DURATION   wait between stages (default 500ms; must stay under the stage timeouts)
      --timeout DURATION how long a TCP attempt waits for an answer (default 300ms)
      --sequence N       which sequence when the file has several (default 1)
      --check PORT       afterwards, try a TCP connection to PORT and report whether it answers
      --dry-run          print the steps without sending anything
  -h, --help             show this help

Durations: 500ms, 1s, 1.5s or a number of milliseconds.
Exit status: 0 every step was sent (and --check connected), 1 a step failed or --check did not connect,
2 bad usage or no knock sequence in FILE.

Example:
  rsc-lint knock knock.rsc 203.0.113.1 --delay 1s --check 22`;

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); more silently becomes 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function ms(text: string, opt: string, min: number): number {
  const t = /^\d+$/.test(text) ? Number(text) / 1000 : parseTimeout(text);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new CliError(`${opt}: "${text}" is not a duration (write 500ms, 1s or 2m)`);
  const v = Math.round(t * 1000);
  if (v < min || v > MAX_TIMER_MS) {
    throw new CliError(`${opt} must be from ${min}ms to ${MAX_TIMER_MS}ms (about 24 days), not "${text}"`);
  }
  return v;
}

/** A host name or IP address to knock on (not empty, no spaces or control characters). */
export function checkHost(host: string): string {
  if (host.trim() === '') throw new CliError('HOST is empty: give the router\'s address or host name');
  if (isIP(host) !== 0) return host;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const label = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (name.length > 253 || !name.split('.').every((l) => label.test(l))) {
    throw new CliError(`HOST "${escapeControl(host)}" is neither an IP address nor a host name (letters, digits, - and . only)`);
  }
  return host;
}

interface KnockArgs {
  operands: string[];
  delayMs: number;
  timeoutMs?: number;
  sequence: number;
  check?: number;
  dryRun: boolean;
  help: boolean;
}

export function parseKnockArgs(argv: string[]): KnockArgs {
  const a: KnockArgs = { operands: [], delayMs: 500, sequence: 1, dryRun: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const take = (what: string): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${name} needs ${what} (see rsc-lint knock --help)`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '--delay':
        a.delayMs = ms(take('a duration'), name, 0);
        break;
      case '--timeout':
        a.timeoutMs = ms(take('a duration'), name, 1);
        break;
      case '--sequence': {
        const v = take('a number');
        if (!/^[1-9]\d*$/.test(v)) throw new CliError(`--sequence must be 1, 2, ... not "${v}"`);
        a.sequence = Number(v);
        break;
      }
      case '--check': {
        const v = take('a port');
        if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new CliError(`--check must be a port (1-65535), not "${v}"`);
        a.check = Number(v);
        break;
      }
      case '--dry-run':
        a.dryRun = true;
        break;
      default:
        if (raw.startsWith('-') && raw !== '-') throw new CliError(`unknown option ${raw} (see rsc-lint knock --help)`);
        a.operands.push(raw);
    }
  }
  return a;
}

async function runKnockCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseKnockArgs(argv);
  if (args.help) {
    io.out(`${KNOCK_USAGE}\n`);
    return 0;
  }
  if (args.operands.length !== 2) throw new CliError('knock needs FILE and HOST (see rsc-lint knock --help)');
  const [file] = args.operands;
  const host = checkHost(args.operands[1]);
  const { text, display } = await readScript(file, io);
  const model = buildModel(parse(text), text);
  const knocks = findKnockSequences(model);
  if (knocks.length === 0) throw new CliError(`${escapeControl(display)}: no knock sequence found`);
  const seq = knocks[args.sequence - 1];
  if (!seq) throw new CliError(`${display} has ${knocks.length} knock sequence(s); --sequence ${args.sequence} does not exist`);
  const { steps, problems, minTimeout } = stepsFromSequence(seq, model.layer7);
  io.out(escapeControl(`Knock sequence${knocks.length > 1 ? ` ${args.sequence} of ${knocks.length}` : ''}: ${describeKnockSequence(seq)}`) + '\n');
  for (const p of problems) io.err(`rsc-lint: warning: ${escapeControl(p)}\n`);
  if (minTimeout !== undefined && args.delayMs / 1000 >= minTimeout) {
    io.err(`rsc-lint: warning: --delay ${args.delayMs}ms is not shorter than the ${minTimeout}s stage timeout: the knock will expire\n`);
  }
  if (steps.length === 0) throw new CliError('no stage of this sequence can be sent over the network');
  if (args.dryRun) {
    for (const s of steps) io.out(`${escapeControl(`stage ${s.stage}: ${s.protocol} ${host}:${s.port}${s.payload !== undefined ? ` payload ${JSON.stringify(s.payload)}` : ''}`)}\n`);
    return 0;
  }
  let failed = false;
  try {
    await sendKnock(steps, {
      host,
      delayMs: args.delayMs,
      tcpTimeoutMs: args.timeoutMs,
      onStep: (r) => {
        if (r.outcome === 'error') failed = true;
        io.out(`${escapeControl(describeStep(r))}\n`);
      },
    });
    if (args.check !== undefined) {
      const o = await checkPort(host, args.check);
      const ok = o === 'connected';
      if (!ok) failed = true;
      io.out(`check tcp ${args.check}: ${ok ? 'connected: access granted' : o === 'refused' ? 'refused (nothing listens there, or the router rejects it)' : 'no answer: access not granted (yet)'}\n`);
    }
  } catch (e) {
    if (e instanceof KnockError) throw new CliError(e.message);
    throw e;
  }
  return failed ? 1 : 0;
}

export const command: Subcommand = {
  name: 'knock',
  summary: "perform the file's knock sequence against a host (TCP attempts, UDP with passphrase)",
  run: runKnockCommand,
};
export default command;
