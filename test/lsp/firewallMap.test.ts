// The map request over stdio: the server draws the open document's firewall, with a trace when asked, and says
// what to write when the trace cannot be read (the map is still drawn).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { LspTestClient } from './lspClient';

const TEXT = `/ip firewall filter
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s protocol=tcp dst-port=7342 in-interface-list=WAN
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m protocol=tcp dst-port=4519 src-address-list=knock1 in-interface-list=WAN
add chain=input action=accept protocol=tcp dst-port=22 src-address-list=secured in-interface-list=WAN
`;

describe('routeros/firewallMap', () => {
  let c: LspTestClient;
  const uri = 'file:///work/map.rsc';
  before(async () => {
    c = new LspTestClient(['--stdio']);
    await c.initialize();
    await c.open(uri, TEXT, 1);
  });
  after(async () => {
    await c.close();
  });

  test('the map of the open document, its knocks, and the knock trace', async () => {
    const r = await c.request<any>('routeros/firewallMap', { uri, trace: 'knock' });
    assert.equal(r.version, 1);
    assert.equal(XMLValidator.validate(r.svg), true);
    assert.match(r.svg, /class="rule st-hides-another st-final-drop traced verdict" data-uid="0" data-line="2"/);
    assert.deepEqual(r.knocks.map((k: any) => k.index), [1]);
    assert.equal(r.trace.packets.length, 3);
    assert.match(r.traceHtml, /Previous packet/);
  });

  test('a trace it cannot read: the map, and what to write', async () => {
    const r = await c.request<any>('routeros/firewallMap', { uri, trace: 'tcp:99999 from WAN' });
    assert.match(r.error, /not a port/);
    assert.equal(r.trace, null);
    assert.match(r.svg, /^<svg /);
  });
});
