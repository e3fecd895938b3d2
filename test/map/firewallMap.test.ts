// The firewall map's data and its pictures: real .rsc in, chains/rows/statuses/edges out; SVG that parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { lint } from '../../server/src/lint';
import { firewallMap, knockTrace, packetTrace } from '../../server/src/features/firewallMap';
import { layoutMap, renderDot, renderHtml, renderSvg } from '../../server/src/features/mapRender';

const GUIDE_WITH_DROP_ABOVE = `/interface list
add name=WAN
/interface list member
add list=WAN interface=ether1
/ip firewall filter
add chain=input action=accept connection-state=established,related comment="established"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s protocol=tcp dst-port=7342 in-interface-list=WAN comment="stage 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s protocol=tcp dst-port=4519 src-address-list=knock1 in-interface-list=WAN comment="stage 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m protocol=tcp dst-port=9121 src-address-list=knock2 in-interface-list=WAN comment="stage 3"
add chain=input action=accept protocol=tcp dst-port=22 src-address-list=secured in-interface-list=WAN comment="ssh for knocked"
add chain=forward action=jump jump-target=lan-in in-interface-list=!WAN
add chain=lan-in action=accept protocol=udp dst-port=53
add chain=lan-in action=return
`;

// The same firewall on a table the script empties first: the numbers `print` shows are known.
const EMPTIED = GUIDE_WITH_DROP_ABOVE.replace('/ip firewall filter\n', '/ip firewall filter\nremove [find]\n');

const rowsOf = (code: string) => {
  const m = firewallMap(lint(code));
  return m.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => `${t.id} ${c.name} #${r.number} L${r.line} ${r.action} [${r.statuses.join(',')}]`)));
};

test('map: chains in hook order, print numbers, the dead knock marked, the drop that hides it, the final drop', () => {
  // a table the script did not empty also holds the router's own rules: no print numbers
  assert.ok(rowsOf(GUIDE_WITH_DROP_ABOVE).every((r) => r.includes(' #undefined ')));
  assert.deepEqual(rowsOf(EMPTIED).map((r) => r.replace(/ L(\d+) /, (_, l) => ` L${Number(l) - 1} `)), [
    'ip filter input #0 L6 accept []',
    'ip filter input #1 L7 drop [hides-another,final-drop]',
    'ip filter input #2 L8 add-src-to-address-list [knock-dead]',
    'ip filter input #3 L9 add-src-to-address-list [knock-dead]',
    'ip filter input #4 L10 add-src-to-address-list [knock-dead]',
    'ip filter input #5 L11 accept [knock-dead]',
    'ip filter forward #6 L12 jump []',
    'ip filter lan-in #7 L13 accept []',
    'ip filter lan-in #8 L14 return []',
  ]);
});

test('map: jumps are edges from the jump rule to the custom chain; the knock is a path that fails at stage 1', () => {
  const r = lint(GUIDE_WITH_DROP_ABOVE);
  const m = firewallMap(r);
  assert.deepEqual(m.edges.map((e) => `${e.fromChain} -> ${e.toChain}`), ['ip filter forward -> ip filter lan-in']);
  assert.equal(m.knocks.length, 1);
  const drop = r.model.tables.get('ip filter')!.rules[1];
  assert.deepEqual(m.knocks[0].failsAt && { stage: m.knocks[0].failsAt.stage, blockedBy: m.knocks[0].failsAt.blockedBy }, { stage: 1, blockedBy: drop.uid });
  assert.doesNotMatch(m.knocks[0].description, /`/);
});

test('map: a trace marks every rule each packet met; the SVG numbers the steps and marks the verdict', () => {
  const r = lint(GUIDE_WITH_DROP_ABOVE);
  const m = firewallMap(r);
  const trace = knockTrace(r.model, r, 1)!;
  assert.equal(trace.packets.length, 4);
  assert.ok(trace.packets.every((p) => p.verdict === 'drop'));
  const svg = renderSvg(m, layoutMap(m), { trace });
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, /class="rule st-hides-another st-final-drop traced verdict" data-uid="\d+" data-line="7"/);
  assert.match(svg, />1,2,3,4▸ </);
  const pkt = packetTrace(r.model, 'udp:53 from LAN', [{ time: 0, protocol: 'udp', dstPort: 53, src: '192.0.2.9', hook: 'forward' }]);
  assert.deepEqual(pkt.packets[0].steps.map((s) => s.action), ['jump', 'accept']);
});

test('map: rules are keyboard reachable and named for screen readers; HTML is self-contained with a strict CSP', () => {
  const m = firewallMap(lint(GUIDE_WITH_DROP_ABOVE));
  const html = renderHtml(m, layoutMap(m), { title: 'x' });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-map'; img-src data:;">/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  assert.match(html, /tabindex="0" role="button" aria-label="rule \? \(line 8\): add-src-to-address-list tcp dport=7342 in-list=WAN -&gt; knock1 \(30 s\)  &quot;stage 1&quot; \[knock, never fires\]"/);
});

test('map: DOT has one record per chain and the jump edge from the jump row', () => {
  const dot = renderDot(firewallMap(lint(GUIDE_WITH_DROP_ABOVE)));
  assert.match(dot, /^digraph firewall \{/);
  assert.match(dot, /"ip filter forward":r\d+:e -> "ip filter lan-in";/);
});

test('map: hostile text (control characters, quotes, markup) stays well-formed XML', () => {
  const code = '/ip firewall filter\nadd chain=input action=drop comment="<script>&\\"x\\"\\1B[2J"\n';
  const m = firewallMap(lint(code));
  assert.equal(XMLValidator.validate(renderSvg(m)), true);
});

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');
test('map: every corpus file that builds a firewall gives valid SVG', { skip: !existsSync(corpus) && 'no ../shared/corpus' }, () => {
  let n = 0;
  for (const f of readdirSync(corpus)) {
    const r = lint(readFileSync(join(corpus, f), 'latin1'));
    if (r.model.tables.size === 0) continue;
    const svg = renderSvg(firewallMap(r));
    const v = XMLValidator.validate(svg);
    assert.equal(v, true, `${f}: ${JSON.stringify(v)}`);
    n++;
  }
  assert.ok(n > 100, `${n} files build a firewall`);
});
