// The language server reads the same .rsc-lint.json as the CLI: the nearest one from the document's
// folder upwards, on top of the editor settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../lsp/lspClient';
import { projectConfigOptions } from '../../server/src/lintConfigNode';
import { runCli, tempTree } from './helpers';

const BROKEN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp\n:put (1 + 2\n';

test('projectConfigOptions: the nearest config of a file: URI; none for other schemes; a bad one is logged once', () => {
  const t = tempTree({ '.rsc-lint.json': '{"rules": {"parse-error": "info"}, "target": "7.16"}', 'bad/.rsc-lint.json': '{"x": 1}' });
  try {
    const o = projectConfigOptions(pathToFileURL(path.join(t.dir, 'sub', 'a.rsc')).href, () => assert.fail('no error'));
    assert.deepEqual(o?.severities, { 'parse-error': 'info' });
    assert.equal(o?.env?.targetVersion, '7.16');
    assert.equal(projectConfigOptions('untitled:Untitled-1', () => assert.fail('no error')), undefined);
    const errors: string[] = [];
    const uri = pathToFileURL(path.join(t.dir, 'bad', 'a.rsc')).href;
    assert.equal(projectConfigOptions(uri, (m) => errors.push(m)), undefined);
    projectConfigOptions(uri, (m) => errors.push(m));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /\.rsc-lint\.json ignored: .*unknown key "x"/);
  } finally {
    t.cleanup();
  }
});

test('the language server and the CLI give the same severities under one .rsc-lint.json', async () => {
  const t = tempTree({ '.rsc-lint.json': '{"rules": {"parse-error": "warning"}}', 'fw.rsc': BROKEN });
  const c = new LspTestClient(['--stdio']);
  try {
    await c.initialize();
    const uri = pathToFileURL(path.join(t.dir, 'fw.rsc')).href;
    await c.open(uri, BROKEN, 1);
    const ds = await c.diagnosticsFor(uri, 1);
    assert.deepEqual(ds.map((d) => [d.code, d.severity]), [['parse-error', 2]], 'warning (2), from the config');
    const cli = JSON.parse((await runCli(['-f', 'json', 'fw.rsc'], { cwd: t.dir })).stdout) as Array<{ rule: string; severity: string }>;
    assert.deepEqual(cli.map((r) => [r.rule, r.severity]), [['parse-error', 'warning']]);
    // An edited config applies to the next lint.
    fs.writeFileSync(path.join(t.dir, '.rsc-lint.json'), '{"rules": {"parse-error": "off"}}');
    await c.change(uri, 2, [{ text: BROKEN + '\n' }]);
    assert.deepEqual(await c.diagnosticsFor(uri, 2), []);
  } finally {
    await c.close();
    t.cleanup();
  }
});
