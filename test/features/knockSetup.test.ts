import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/edits';
import { lint } from '../../server/src/lint';
import {
  GUIDE_BLACKLIST_PORTS,
  WELL_KNOWN_PORTS,
  generateKnockSetup,
  isMonotonic,
  pickKnockPorts,
  subtractPorts,
  type KnockSetupOptions,
} from '../../server/src/features/knockSetup';
import { prng } from '../../server/src/prng';

/** Seeded, so every run of a seed picks the same ports. */
const seeded = prng;

const base = (over: Partial<KnockSetupOptions> = {}): KnockSetupOptions => ({
  stages: 3,
  protocol: 'tcp',
  stageTimeout: '30s',
  finalTimeout: '30m',
  random: seeded(1),
  ...over,
});

function apply(text: string, over: Partial<KnockSetupOptions> = {}) {
  const setup = generateKnockSetup(base(over), text);
  return { setup, out: applyEdits(text, setup.edits) };
}

function findings(text: string): string[] {
  return lint(text).findings.map((f) => `${f.rule} ${f.range.start.line + 1}: ${f.message}`);
}

/**
 * Findings, leaving out the scan simulation's warning for 1- and 2-stage knocks: one port, or two
 * (always ascending or descending), are completed by a sequential scan whatever the ports; the
 * warning is true and expected. From 3 stages on the ports are never in order and nothing is left out.
 */
function findingsFor(text: string, stages: number): string[] {
  return findings(text).filter((f) => stages >= 3 || !f.startsWith('knock-sim-scan-completes'));
}

function inBlacklist(p: number): boolean {
  return GUIDE_BLACKLIST_PORTS.some(([a, b]) => p >= a && p <= b);
}

describe('knock port selection', () => {
  it('picks distinct, unprivileged, non-well-known ports outside the blacklist ranges, never in order', () => {
    for (let seed = 1; seed <= 400; seed++) {
      for (const n of [1, 2, 3, 4, 5, 7]) {
        const ports = pickKnockPorts(n, seeded(seed * 31 + n));
        assert.equal(ports.length, n);
        assert.equal(new Set(ports).size, n, `distinct: ${ports}`);
        for (const p of ports) {
          assert.ok(p >= 1024 && p <= 65535, `${p} unprivileged`);
          assert.ok(!WELL_KNOWN_PORTS.has(p), `${p} not well-known`);
          assert.ok(!inBlacklist(p), `${p} outside the guide's blacklist ranges`);
        }
        if (n >= 3) assert.ok(!isMonotonic(ports), `${ports} not sequential`);
      }
    }
  });

  it('the well-known list covers the common services named in the brief', () => {
    for (const p of [1433, 1723, 3306, 3389, 5060, 5432, 5900, 8080, 8291, 8728, 8729]) assert.ok(WELL_KNOWN_PORTS.has(p), String(p));
  });

  it('survives a degenerate random source (always 0, NaN, 1)', () => {
    for (const r of [() => 0, () => Number.NaN, () => 1]) {
      const ports = pickKnockPorts(4, r);
      assert.equal(new Set(ports).size, 4);
      assert.ok(!isMonotonic(ports));
    }
  });

  it('avoids ports the caller excludes', () => {
    const ports = pickKnockPorts(3, () => 0, [[1024, 9999]]);
    assert.ok(ports.every((p) => p >= 60001), String(ports));
  });

  it('isMonotonic: strictly ascending or strictly descending', () => {
    assert.equal(isMonotonic([1, 2, 3]), true);
    assert.equal(isMonotonic([3, 2, 1]), true);
    assert.equal(isMonotonic([2, 1, 3]), false);
    assert.equal(isMonotonic([1, 1, 2]), false);
  });
});

describe('generateKnockSetup: options', () => {
  it('rejects bad input with a clear message', () => {
    assert.throws(() => generateKnockSetup(base({ stages: 0 })), /stages must be a whole number from 1 to 10/);
    assert.throws(() => generateKnockSetup(base({ stages: 2.5 })), /stages/);
    assert.throws(() => generateKnockSetup(base({ stageTimeout: 'soon' })), /stage timeout must be a RouterOS time/);
    assert.throws(() => generateKnockSetup(base({ finalTimeout: '' })), /final timeout/);
    assert.throws(() => generateKnockSetup(base({ finalList: 'my list' })), /final list must be a plain name/);
    assert.throws(() => generateKnockSetup(base({ layer7Passphrase: 'x' })), /needs protocol udp/);
    assert.throws(() => generateKnockSetup(base({ protocol: 'udp', layer7Passphrase: '' })), /non-empty/);
  });
});

describe('generateKnockSetup: a new file', () => {
  it('writes the stages chained, the accept, one-line style, and says how to knock', () => {
    const s = generateKnockSetup(base());
    const [a, b, c] = s.ports;
    assert.equal(s.insertAt, 0);
    assert.deepEqual(s.lists, ['knock1', 'knock2', 'secured']);
    assert.equal(
      s.text,
      [
        `# Port knocking (tcp ${a} -> ${b} -> ${c}): 30s per stage, grants "secured" for 30m`,
        `# Client: for x in ${a} ${b} ${c}; do nmap -Pn -p $x --max-retries 0 ROUTER; done`,
        `/ip firewall filter add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input comment="knock stage 1/3" dst-port=${a} in-interface-list=WAN protocol=tcp`,
        `/ip firewall filter add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input comment="knock stage 2/3" dst-port=${b} in-interface-list=WAN protocol=tcp src-address-list=knock1`,
        `/ip firewall filter add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input comment="knock stage 3/3" dst-port=${c} in-interface-list=WAN protocol=tcp src-address-list=knock2`,
        `/ip firewall filter add action=accept chain=input comment="knock: accept sources that completed the sequence" in-interface-list=WAN src-address-list=secured`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(s.edits, [{ start: 0, end: 0, newText: s.text }]);
  });

  it('lints clean for many seeds, stage counts, protocols, with and without blacklist and passphrase', () => {
    let runs = 0;
    for (let seed = 1; seed <= 40; seed++) {
      for (const stages of [1, 2, 3, 4, 6]) {
        const protocol = seed % 2 ? 'tcp' : 'udp';
        const s = generateKnockSetup(
          base({
            stages,
            protocol,
            random: seeded(seed * 7 + stages),
            withBlacklist: seed % 3 === 0,
            layer7Passphrase: protocol === 'udp' && seed % 4 === 0 ? `open "sesame" $${seed}.*` : undefined,
          }),
        );
        const out = applyEdits('', s.edits);
        assert.deepEqual(findingsFor(out, stages), [], out);
        const r = lint(out);
        assert.equal(r.knocks.length, 1);
        assert.equal(r.knocks[0].stages.length, stages);
        runs++;
      }
    }
    assert.equal(runs, 200);
  });

  it('the passphrase is escaped for the regexp and for the RouterOS string', () => {
    const s = generateKnockSetup(base({ protocol: 'udp', layer7Passphrase: 'a.b"$c' }));
    const out = applyEdits('', s.edits);
    assert.ok(out.includes(String.raw`/ip firewall layer7-protocol add name=knock-pass regexp="^a\\.b\"\\\$c\$"` + '\n'), out);
    // RouterOS reads the string as the regexp ^a\.b"\$c$ : the passphrase matched literally.
    const l7 = lint(out).model.layer7.get('knock-pass');
    assert.equal(l7?.regexp, String.raw`^a\.b"\$c$`);
    assert.ok(!s.clientCommand.includes('a.b'), 'the passphrase is not echoed into the client hint');
  });
});

const ONELINE = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add interface=ether1 list=WAN
/ip firewall filter add action=accept chain=input connection-state=established,related comment="est"
/ip firewall filter add action=drop chain=input connection-state=invalid comment="invalid"
/ip firewall filter add action=accept chain=forward connection-state=established,related comment="fwd"
# everything else from the internet
/ip firewall filter add action=drop chain=input in-interface-list=WAN comment="drop WAN"
/ip firewall filter add action=drop chain=forward in-interface-list=WAN connection-nat-state=!dstnat
`;

describe('generateKnockSetup: into an existing file', () => {
  it('goes above the WAN drop of the input chain (and its comment lines), one-line style', () => {
    const { setup, out } = apply(ONELINE);
    assert.equal(setup.insertAt, ONELINE.indexOf('# everything else'));
    const lines = out.split('\n');
    const drop = lines.findIndex((l) => l.includes('comment="drop WAN"'));
    assert.equal(lines[drop - 1], '# everything else from the internet');
    assert.match(lines[drop - 2], /^\/ip firewall filter add action=accept chain=input comment="knock: accept/);
    assert.deepEqual(findings(out), []);
  });

  it('puts the blacklist drop at the very top of the input chain, the rest above the WAN drop', () => {
    const { setup, out } = apply(ONELINE, { withBlacklist: true });
    assert.equal(setup.edits.length, 2);
    assert.deepEqual(setup.edits[0], {
      start: ONELINE.indexOf('/ip firewall filter add action=accept chain=input connection-state'),
      end: ONELINE.indexOf('/ip firewall filter add action=accept chain=input connection-state'),
      newText:
        '# Blacklist (added disabled: enable after the knock sequence is proven to work)\n' +
        '/ip firewall filter add action=drop chain=input comment="drop blacklisted" disabled=yes in-interface-list=WAN src-address-list=blacklist\n',
    });
    assert.ok(!setup.text.includes('drop blacklisted'));
    assert.match(setup.text, /comment="blacklist: port scan" disabled=yes dst-port=21,22,23,8291,10000-60000 /);
    const input = lint(out).model.tables.get('ip filter')!.rules.filter((r) => r.chain === 'input');
    assert.equal(input[0].comment, 'drop blacklisted');
    assert.deepEqual(findings(out), []);
  });

  it('keeps the blacklist off the knock ports the file already has', () => {
    const text = `/ip firewall filter add action=add-src-to-address-list address-list=k1 address-list-timeout=30s chain=input dst-port=12345 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=add-src-to-address-list address-list=k2 address-list-timeout=30s chain=input dst-port=23456 in-interface-list=WAN protocol=tcp src-address-list=k1
/ip firewall filter add action=add-src-to-address-list address-list=ok address-list-timeout=30m chain=input dst-port=17000 in-interface-list=WAN protocol=tcp src-address-list=k2
/ip firewall filter add action=accept chain=input in-interface-list=WAN src-address-list=ok
/ip firewall filter add action=drop chain=input in-interface-list=WAN
`;
    const { setup, out } = apply(text, { withBlacklist: true });
    assert.match(setup.text, /dst-port=21,22,23,8291,10000-12344,12346-16999,17001-23455,23457-60000 /);
    assert.deepEqual(findings(out), []);
  });

  it('subtractPorts cuts holes and drops emptied ranges', () => {
    assert.deepEqual(subtractPorts([[21, 23], [100, 100], [1000, 2000]], [22, 100, 1000, 2000, 1500]), [
      [21, 21],
      [23, 23],
      [1001, 1499],
      [1501, 1999],
    ]);
  });

  it('is clean for many seeds with the blacklist too', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const stages = 2 + (seed % 4);
      const { out } = apply(ONELINE, { random: seeded(seed), stages, withBlacklist: seed % 2 === 0 });
      assert.deepEqual(findingsFor(out, stages), [], out);
    }
  });

  it('uses the drop rule\'s own WAN interface when the file has no WAN list', () => {
    const text = `/ip firewall filter add action=accept chain=input connection-state=established,related
/ip firewall filter add action=drop chain=input in-interface=ether1
`;
    const { out } = apply(text);
    assert.match(out, /knock stage 1\/3" dst-port=\d+ in-interface=ether1 protocol=tcp/);
    assert.deepEqual(findings(out), []);
  });

  it('goes above a drop that would block the service after the knock (the accept must precede it)', () => {
    const text = `/interface list member add interface=ether1 list=WAN
/ip firewall filter add action=accept chain=input connection-state=established,related
/ip firewall filter add action=drop chain=input dst-port=22 in-interface=ether1 protocol=tcp comment="no ssh from outside"
/ip firewall filter add action=drop chain=input src-address-list=scanners
/ip firewall filter add action=drop chain=input in-interface-list=WAN
`;
    const { setup, out } = apply(text);
    assert.equal(setup.insertAt, text.indexOf('/ip firewall filter add action=drop chain=input dst-port=22'));
    assert.match(setup.text, /in-interface-list=WAN protocol=tcp\n/, 'keeps listening on the WAN list, not on the ssh rule\'s interface');
    assert.deepEqual(findings(out), []);
  });

  it('goes above a drop-everything rule with no interface at all', () => {
    const text = `/interface list member add interface=ether1 list=WAN
/ip firewall filter add action=accept chain=input connection-state=established,related
/ip firewall filter add action=accept chain=input in-interface=bridge
/ip firewall filter add action=drop chain=input
`;
    const { setup, out } = apply(text);
    assert.equal(setup.insertAt, text.indexOf('/ip firewall filter add action=drop'));
    assert.deepEqual(findings(out), []);
  });

  it('gives the same result from a prepared parse and model (the server passes its cached lint)', () => {
    const r = lint(ONELINE);
    const a = generateKnockSetup(base({ random: seeded(9), withBlacklist: true }), ONELINE);
    const b = generateKnockSetup(base({ random: seeded(9), withBlacklist: true }), ONELINE, { parse: r.parse, model: r.model });
    assert.deepEqual(b, a);
  });

  it('avoids list names and ports the file already uses', () => {
    const text = `/ip firewall filter add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=1024 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=accept chain=input in-interface-list=WAN src-address-list=knock1
/ip firewall filter add action=drop chain=input in-interface-list=WAN
`;
    // random 0 picks the lowest free ports: 1024 unless the file's port is avoided.
    assert.equal(generateKnockSetup(base({ random: () => 0 })).ports.includes(1024), true);
    const s = generateKnockSetup(base({ random: () => 0 }), text);
    assert.deepEqual(s.lists, ['knock-1', 'knock-2', 'secured']);
    assert.ok(!s.ports.includes(1024), String(s.ports));
  });

  it('avoids the ports of the file\'s own blacklist rules', () => {
    const text = `/ip firewall filter add action=drop chain=input src-address-list=scanners
/ip firewall filter add action=add-src-to-address-list address-list=scanners address-list-timeout=1d chain=input dst-port=1024-9999 protocol=tcp
/ip firewall filter add action=drop chain=input in-interface-list=WAN
`;
    for (let seed = 1; seed <= 20; seed++) {
      const { setup, out } = apply(text, { random: seeded(seed) });
      assert.ok(setup.ports.every((p) => p >= 60001), String(setup.ports));
      assert.ok(!findings(out).some((f) => f.startsWith('knock-blacklist-catches-knock')), out);
    }
  });
});

const EXPORT = `# 2024-05-01 12:00:00 by RouterOS 7.14.3
# software id = ABCD-1234
#
/interface list
add name=WAN
/interface list member
add interface=ether1 list=WAN
/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=accept chain=forward
add action=drop chain=input comment="defconf: drop all not coming from LAN" in-interface-list=!LAN
/ip firewall nat
add action=masquerade chain=srcnat out-interface-list=WAN
`;

describe('generateKnockSetup: /export form', () => {
  it('writes relative `add` lines inside the filter section, above the drop', () => {
    const { setup, out } = apply(EXPORT);
    assert.equal(setup.insertAt, EXPORT.indexOf('add action=drop chain=input'));
    assert.match(setup.text, /^add action=add-src-to-address-list address-list=knock1 /m);
    assert.ok(!/\/ip firewall filter add/.test(setup.text));
    assert.deepEqual(findings(out), []);
    const rules = lint(out).model.tables.get('ip filter')!.rules.filter((r) => r.chain === 'input');
    assert.deepEqual(rules.map((r) => r.action), [
      'accept',
      'add-src-to-address-list',
      'add-src-to-address-list',
      'add-src-to-address-list',
      'accept',
      'drop',
    ]);
  });

  it('puts the layer7 definition before the filter section, keeping the section intact', () => {
    const { setup, out } = apply(EXPORT, { protocol: 'udp', layer7Passphrase: 'open-sesame' });
    assert.equal(setup.edits.length, 2);
    assert.equal(setup.edits[0].start, EXPORT.indexOf('/ip firewall filter'));
    assert.equal(setup.edits[0].newText, '/ip firewall layer7-protocol add name=knock-pass regexp="^open-sesame\\$"\n');
    assert.deepEqual(findings(out), []);
    assert.ok(lint(out).model.layer7.has('knock-pass'));
  });

  it('appends a new filter section when the export has no rule in the way', () => {
    const text = `/interface list
add name=WAN
/ip firewall nat
add action=masquerade chain=srcnat out-interface-list=WAN`;
    const { setup, out } = apply(text);
    assert.equal(setup.insertAt, text.length);
    assert.ok(setup.text.startsWith('\n/ip firewall filter\n# Port knocking'), setup.text);
    assert.deepEqual(findings(out), []);
    assert.equal(lint(out).knocks.length, 1);
  });

  it('continues the filter section when the file ends inside it', () => {
    const text = `/ip firewall filter
add action=accept chain=input connection-state=established,related
`;
    const { setup } = apply(text);
    assert.equal(setup.insertAt, text.length);
    assert.match(setup.text, /^# Port knocking/);
    assert.match(setup.text, /^add action=accept chain=input comment="knock: accept/m);
  });
});

describe('generateKnockSetup: v7 slash form', () => {
  it('writes /ip/firewall/filter/add when the drop is written that way', () => {
    const text = `/ip/firewall/filter/add action=accept chain=input connection-state=established,related
/ip/firewall/filter/add action=drop chain=input in-interface-list=WAN
`;
    const { setup, out } = apply(text);
    assert.equal(setup.insertAt, text.indexOf('/ip/firewall/filter/add action=drop'));
    assert.match(setup.text, /^\/ip\/firewall\/filter\/add action=add-src-to-address-list address-list=knock1/m);
    assert.deepEqual(findings(out), []);
  });
});

// ---------------------------------------------------------------------------------------------
// Into real configurations: no finding lands on the inserted block, and the new sequence is found
// with all its stages. (Existing problems of the file stay as they were; an existing accept that
// exposes SSH may now be reported by knock-exposed-service, rightly: the knock protects nothing then.)

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');

describe('generateKnockSetup: into corpus files (skipped without ../shared/corpus)', { skip: !existsSync(corpus) }, () => {
  it('inserted blocks lint clean in real exports and scripts', () => {
    const files = readdirSync(corpus).sort();
    let done = 0;
    let aboveDrop = 0;
    for (const f of files) {
      const text = readFileSync(join(corpus, f), 'utf8');
      if (text.length > 60_000 || !/firewall filter/.test(text)) continue;
      const before = lint(text);
      if (!before.model.tables.get('ip filter')?.rules.some((r) => r.chain === 'input')) continue;
      // A file with an unfinished knock of its own: the recognizer may attach our first stage to it as
      // its next stage (adjacency heuristic in model/knock.ts), a finding about their sequence.
      if (before.knocks.some((k) => !k.complete)) continue;
      const setup = generateKnockSetup(base({ random: seeded(done + 1), stages: 2 + (done % 3), withBlacklist: done % 2 === 1 }), text);
      const out = applyEdits(text, setup.edits);
      const after = lint(out);
      const start = setup.insertAt + setup.edits.filter((e) => e.start < setup.insertAt).reduce((n, e) => n + e.newText.length, 0);
      const end = start + setup.text.length;
      const onBlock = after.findings.filter(
        (x) =>
          x.range.start.offset >= start &&
          x.range.start.offset < end &&
          (setup.ports.length >= 3 || x.rule !== 'knock-sim-scan-completes'),
      );
      assert.deepEqual(onBlock.map((x) => `${x.rule}: ${x.message}`), [], `${f}\n${setup.text}`);
      const seq = after.knocks.find((k) => k.finalList === 'secured' && k.stages.some((s) => s.list === setup.lists[0]));
      assert.ok(seq, `${f}: the new sequence is recognized`);
      assert.equal(seq!.stages.length, setup.ports.length, f);
      if (setup.insertAt < text.length) aboveDrop++;
      done++;
      if (done >= 25) break;
    }
    assert.ok(done >= 10, `enough corpus files (${done})`);
    assert.ok(aboveDrop >= 5, `placed above a rule in several files (${aboveDrop})`);
  });
});
