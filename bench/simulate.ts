// Simulating the scan checks for the guide's setup: full scans of 65,535 ports (ascending, descending
// and three seeded random orders, as knock-sim-scan-completes runs them) through the firewall the guide
// builds. Target: under 1 s in total. The scans run in `compress` mode (see Simulator.scan); the plain
// packet-by-packet scan is measured as the baseline.
// Also the lint of the guide, and what the knock-sim-* checks add to a lint (they run on every
// keystroke): the guide's setup once and repeated 10 times with distinct list names (generated here).
import { parse } from '../server/src/parser';
import { buildModel, findKnockSequences } from '../server/src/model';
import { DEFAULT_SCANS, planKnock, runScan, scanOrder, SCAN_RATE, Simulator } from '../server/src/simulate';
import { lint } from '../server/src/lint';

const GUIDE = `/ip firewall filter
add action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured
add action=drop chain=input in-interface-list=WAN
`;

const SIM_CHECKS = ['knock-sim-fails', 'knock-sim-slow-grants', 'knock-sim-scan-completes', 'knock-sim-blacklist-blocks'];

/** The guide's setup `n` times, each copy with its own list names (knock1_3, knock2_3, secured_3...). */
export function repeatedGuide(n: number): string {
  const body = GUIDE.replace('/ip firewall filter\n', '');
  const copies = Array.from({ length: n }, (_, i) => body.replace(/\b(knock1|knock2|secured)\b/g, `$1_${i}`));
  return `/interface list\nadd name=WAN\n/interface list member\nadd list=WAN interface=ether1\n/ip firewall filter\n${copies.join('')}`;
}

/** Lint time with and without the knock-sim-* checks (best of `n`, interleaved). */
function simCost(text: string, n: number): { all: number; without: number; knocks: number } {
  const off = { severities: Object.fromEntries(SIM_CHECKS.map((id) => [id, 'off' as const])) };
  const knocks = lint(text).knocks.length;
  lint(text, off);
  let all = Infinity;
  let without = Infinity;
  for (let i = 0; i < n; i++) {
    all = Math.min(all, best(1, () => lint(text)));
    without = Math.min(without, best(1, () => lint(text, off)));
  }
  return { all, without, knocks };
}

function best(n: number, f: () => void): number {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

export function run() {
  const model = buildModel(parse(GUIDE), GUIDE);
  const seq = findKnockSequences(model)[0];
  const plan = planKnock(model, seq);
  // warm up (JIT, the random scan orders are computed once per process)
  for (const s of DEFAULT_SCANS) runScan(model, plan, s);
  // the scans as the check runs them (they stop at a grant)
  let packets = 0;
  const checkScans = best(5, () => {
    packets = 0;
    for (const s of DEFAULT_SCANS) packets += runScan(model, plan, s).packets;
  });
  // every scan to the last port, never stopping at a grant: ascending, descending, 3 random orders
  const orders = DEFAULT_SCANS.map((s) => scanOrder(s));
  const template = { ...plan.base, src: '192.0.2.1', protocol: 'tcp', time: 0 };
  const full = best(5, () => {
    for (const ports of orders) new Simulator(model).scan(template, ['tcp'], ports, SCAN_RATE, () => false, { mode: 'compress' });
  });
  const fullMemo = best(5, () => {
    for (const ports of orders) new Simulator(model).scan(template, ['tcp'], ports, SCAN_RATE, () => false, { mode: 'memo' });
  });
  // the same packets one by one through the compiled rules
  const slowOne = best(3, () => {
    new Simulator(model).scan(template, ['tcp'], orders[0], SCAN_RATE, () => false, { mode: 'plain' });
  });
  lint(GUIDE);
  const lintMs = best(5, () => lint(GUIDE));
  const one = simCost(repeatedGuide(1), 7);
  const ten = simCost(repeatedGuide(10), 5);
  const added = (c: { all: number; without: number }) => Math.max(0, c.all - c.without);
  return [
    { name: `scan checks of the guide (${DEFAULT_SCANS.length} scans, ${packets} packets)`, value: `${checkScans.toFixed(1)} ms`, target: '< 1000 ms', ok: checkScans < 1000 },
    { name: `${orders.length} full scans to the last port (${orders.length * 65535} packets), compress`, value: `${full.toFixed(1)} ms`, target: '< 1000 ms', ok: full < 1000 },
    { name: `the same, memo (every packet that adds something evaluated)`, value: `${fullMemo.toFixed(1)} ms` },
    { name: 'one scan packet by packet (plain, 65,535 packets)', value: `${slowOne.toFixed(1)} ms` },
    { name: 'lint of the guide (all checks incl. knock-sim-*)', value: `${lintMs.toFixed(1)} ms` },
    {
      name: `lint, guide once (${one.knocks} knock): with / without knock-sim-*`,
      value: `${one.all.toFixed(1)} / ${one.without.toFixed(1)} ms (+${added(one).toFixed(1)})`,
      target: '+ < 10 ms',
      ok: added(one) < 10,
    },
    {
      name: `lint, guide 10 times (${ten.knocks} knocks): with / without knock-sim-*`,
      value: `${ten.all.toFixed(1)} / ${ten.without.toFixed(1)} ms (+${added(ten).toFixed(1)})`,
      target: '+ < 100 ms',
      ok: added(ten) < 100,
    },
  ];
}
