// The network knock sender against listeners this test starts on 127.0.0.1: they record what arrives
// (order, protocol, payload); a firewall-simulating listener feeds every arrival to the simulator for a
// knock script and opens the protected port only when the simulated firewall grants access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { checkPort, describeStep, sendKnock, type KnockStep } from '../../client/src/knock/sender';
import { stepsFromSequence } from '../../client/src/knock/steps';
import { Simulator } from '../../server/src/simulate';
import { knocksOf, rsc } from '../simulate/helpers';

interface Arrival {
  protocol: 'tcp' | 'udp';
  port: number;
  payload: string;
  from: string;
}

interface Listeners {
  ports: { tcp: number[]; udp: number[] };
  arrivals: Arrival[];
  close(): Promise<void>;
}

/** `tcp` TCP servers and `udp` UDP sockets on 127.0.0.1 (free ports), recording every arrival. */
async function listen(tcp: number, udp: number, onArrival?: (a: Arrival) => void): Promise<Listeners> {
  const arrivals: Arrival[] = [];
  const record = (a: Arrival) => {
    arrivals.push(a);
    onArrival?.(a);
  };
  const servers: net.Server[] = [];
  const sockets: dgram.Socket[] = [];
  const ports = { tcp: [] as number[], udp: [] as number[] };
  for (let i = 0; i < tcp; i++) {
    const s = net.createServer((c) => {
      const port = (s.address() as net.AddressInfo).port;
      record({ protocol: 'tcp', port, payload: '', from: c.remoteAddress ?? '' });
      c.on('error', () => undefined);
      c.destroy();
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    ports.tcp.push((s.address() as net.AddressInfo).port);
  }
  for (let i = 0; i < udp; i++) {
    const u = dgram.createSocket('udp4');
    u.on('message', (msg, rinfo) => record({ protocol: 'udp', port: (u.address() as net.AddressInfo).port, payload: msg.toString('utf8'), from: rinfo.address }));
    await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
    sockets.push(u);
    ports.udp.push((u.address() as net.AddressInfo).port);
  }
  return {
    ports,
    arrivals,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const u of sockets) u.close();
    },
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

test('stages arrive in order, TCP as connection attempts and UDP as datagrams with the passphrase', async () => {
  const l = await listen(2, 1);
  try {
    const steps: KnockStep[] = [
      { stage: 1, protocol: 'tcp', port: l.ports.tcp[0] },
      { stage: 2, protocol: 'udp', port: l.ports.udp[0], payload: 'passphrase' },
      { stage: 3, protocol: 'tcp', port: l.ports.tcp[1] },
    ];
    const reported: string[] = [];
    const results = await sendKnock(steps, { host: '127.0.0.1', delayMs: 60, onStep: (r) => reported.push(describeStep(r)) });
    await until(() => l.arrivals.length === 3);
    assert.deepEqual(
      l.arrivals.map((a) => [a.protocol, a.port, a.payload, a.from]),
      [
        ['tcp', l.ports.tcp[0], '', '127.0.0.1'],
        ['udp', l.ports.udp[0], 'passphrase', '127.0.0.1'],
        ['tcp', l.ports.tcp[1], '', '127.0.0.1'],
      ],
    );
    assert.deepEqual(results.map((r) => r.outcome), ['connected', 'sent', 'connected']);
    assert.ok(results[2].at - results[0].at >= 100, `steps are spaced by the delay: ${results.map((r) => r.at).join(', ')}`);
    assert.equal(reported.length, 3);
    assert.match(reported[1], /^stage 2: udp \d+ with a 10-byte payload: sent/);
  } finally {
    await l.close();
  }
});

test('a closed TCP port answers with a reset ("refused"); an unresolvable host is a clear error', async () => {
  const port = await freePort();
  const [r] = await sendKnock([{ stage: 1, protocol: 'tcp', port }], { host: '127.0.0.1' });
  assert.equal(r.outcome, 'refused');
  assert.match(describeStep(r), /refused \(reset: the attempt reached the host\)/);
  await assert.rejects(sendKnock([{ stage: 1, protocol: 'tcp', port }], { host: 'no-such-host.invalid' }), /cannot resolve no-such-host\.invalid/);
});

test('cancelling stops before the next stage', async () => {
  const l = await listen(3, 0);
  try {
    const abort = new AbortController();
    const steps = l.ports.tcp.map((port, i) => ({ stage: i + 1, protocol: 'tcp' as const, port }));
    const results = await sendKnock(steps, { host: '127.0.0.1', delayMs: 200, signal: abort.signal, onStep: () => abort.abort() });
    assert.equal(results.length, 1);
  } finally {
    await l.close();
  }
});

/**
 * A router stand-in: every knock that arrives goes through the simulator for `script`; the protected
 * port listens only while the simulated firewall has the client in the final list.
 */
async function fakeRouter(build: (ports: { tcp: number[]; udp: number[] }, protectedPort: number) => string) {
  const t0 = Date.now();
  let sim: Simulator | undefined;
  let open: net.Server | undefined;
  const protectedPort = await freePort();
  const l = await listen(2, 1, (a) => {
    sim!.sendFast({ src: a.from, protocol: a.protocol, dstPort: a.port, payload: a.payload || undefined, time: (Date.now() - t0) / 1000, inInterface: 'lo', inInterfaceLists: ['WAN'] });
    if (!open && sim!.inList('secured', a.from, (Date.now() - t0) / 1000)) {
      open = net.createServer((c) => c.end());
      open.listen(protectedPort, '127.0.0.1');
    }
  });
  const text = build(l.ports, protectedPort);
  const { model, knocks } = knocksOf(text);
  sim = new Simulator(model);
  return {
    knock: knocks[0],
    model,
    protectedPort,
    listening: () => open?.listening === true,
    close: async () => {
      await l.close();
      if (open) await new Promise<void>((r) => open!.close(() => r()));
    },
  };
}

const SCRIPT = (p: { tcp: number[]; udp: number[] }, prot: number) =>
  rsc(
    '/ip firewall layer7-protocol add name=pass regexp="^passphrase\\$"',
    '/ip firewall filter',
    `add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s protocol=tcp dst-port=${p.tcp[0]} in-interface-list=WAN`,
    `add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s protocol=udp dst-port=${p.udp[0]} layer7-protocol=pass in-interface-list=WAN src-address-list=knock1`,
    `add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m protocol=tcp dst-port=${p.tcp[1]} in-interface-list=WAN src-address-list=knock2`,
    `add chain=input action=accept protocol=tcp dst-port=${prot} in-interface-list=WAN src-address-list=secured`,
    'add chain=input action=drop in-interface-list=WAN',
  );

test('against a firewall-simulating listener: the file\'s sequence (with its passphrase) opens the protected port', async () => {
  const r = await fakeRouter(SCRIPT);
  try {
    assert.equal(await checkPort('127.0.0.1', r.protectedPort, 500), 'refused', 'closed before knocking');
    const { steps, problems } = stepsFromSequence(r.knock, r.model.layer7);
    assert.deepEqual(problems, []);
    assert.deepEqual(steps.map((s) => [s.protocol, s.payload]), [['tcp', undefined], ['udp', 'passphrase'], ['tcp', undefined]]);
    await sendKnock(steps, { host: '127.0.0.1', delayMs: 50 });
    await until(r.listening);
    assert.equal(await checkPort('127.0.0.1', r.protectedPort, 1000), 'connected');
  } finally {
    await r.close();
  }
});

test('against the same listener: the wrong order or the wrong passphrase opens nothing', async () => {
  for (const mutate of [(s: KnockStep[]) => [...s].reverse(), (s: KnockStep[]) => s.map((x) => (x.payload ? { ...x, payload: 'guess' } : x))]) {
    const r = await fakeRouter(SCRIPT);
    try {
      const { steps } = stepsFromSequence(r.knock, r.model.layer7);
      await sendKnock(mutate(steps), { host: '127.0.0.1', delayMs: 50 });
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(r.listening(), false);
      assert.equal(await checkPort('127.0.0.1', r.protectedPort, 500), 'refused');
    } finally {
      await r.close();
    }
  }
});

test('steps from a sequence report what a network client cannot do', () => {
  const { model, knocks } = knocksOf(
    rsc(
      '/ip firewall layer7-protocol add name=pass regexp="^pass\\$"',
      '/ip firewall filter',
      'add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s protocol=tcp dst-port=7391 layer7-protocol=pass',
      'add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s protocol=udp dst-port=4263 packet-size=100 src-address-list=knock1',
      'add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m protocol=icmp src-address-list=knock2',
      'add chain=input action=accept src-address-list=secured',
    ),
  );
  const { steps, problems, minTimeout } = stepsFromSequence(knocks[0], model.layer7);
  assert.deepEqual(steps.map((s) => [s.protocol, s.port, s.payload?.length]), [['tcp', 7391, undefined], ['udp', 4263, 72]]);
  assert.equal(minTimeout, 30);
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^stage 1 needs layer7 `pass` on TCP: a connection attempt carries no payload/);
  assert.match(problems[1], /^stage 3 is icmp: this client sends only TCP and UDP knocks/);
});
