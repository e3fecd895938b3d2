// The language server reports a failed firewall assertion of .rsc-lint.json as an assertion-failed
// diagnostic on the deciding rule, its related information opening the assertion in the config file;
// an edited script that fixes it clears the diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from './lspClient';
import { tempTree } from '../cli/helpers';

const CONFIG = `{
  "assertions": [
    {
      "name": "WAN management closed",
      "files": ["*.rsc"],
      "packets": "chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291 connection-state=new",
      "expect": "never-accepted"
    }
  ]
}
`;
const FW = `/interface list add name=WAN
/interface list member add interface=ether1 list=WAN
/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=tcp dst-port=8291 comment=winbox
add chain=input action=drop in-interface-list=WAN
`;

test('language server: assertion-failed on the accept, related information in .rsc-lint.json', async () => {
  const t = tempTree({ '.rsc-lint.json': CONFIG, 'fw.rsc': FW });
  const c = new LspTestClient(['--stdio']);
  try {
    await c.initialize();
    const uri = pathToFileURL(path.join(t.dir, 'fw.rsc')).href;
    await c.open(uri, FW, 1);
    const ds = (await c.diagnosticsFor(uri, 1)).filter((d) => d.code === 'assertion-failed');
    assert.equal(ds.length, 1);
    const d = ds[0];
    assert.equal(d.severity, 1);
    assert.equal(d.range.start.line, 4);
    assert.match(d.message, /^assertion "WAN management closed" fails: tcp 203\.0\.113\.1:8291 from 198\.51\.100\.7 in ether1 is accepted by `accept` rule "winbox" \(line 5\)$/);
    const rel = d.relatedInformation![0];
    assert.equal(rel.location.uri, pathToFileURL(path.join(t.dir, '.rsc-lint.json')).href);
    assert.equal((rel.location.range as { start: { line: number } }).start.line, 2);
    assert.equal(rel.message, 'the assertion "WAN management closed"');
    // the fix: the winbox accept only from the LAN side
    await c.change(uri, 2, [{ text: FW.replace('dst-port=8291 comment', 'dst-port=8291 in-interface-list=!WAN comment') }]);
    assert.deepEqual((await c.diagnosticsFor(uri, 2)).filter((x) => x.code === 'assertion-failed'), []);
  } finally {
    await c.close();
    t.cleanup();
  }
});
