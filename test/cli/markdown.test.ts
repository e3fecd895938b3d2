// rsc-lint given a Markdown file lints its ```routeros / ```rsc / ```mikrotik blocks and reports lines
// and columns of the .md itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, tempTree } from './helpers';

test('rsc-lint guide.md: findings of the fenced RouterOS blocks at their .md positions', async () => {
  const md = ['# Guide', '', 'Text.', '', '```routeros', '/ip firewall fliter add chain=input', '```', '', '```sh', '/ip firewall fliter', '```', ''].join('\n');
  const t = tempTree({ 'guide.md': md });
  try {
    const r = await runCli(['--format', 'json', 'guide.md'], { cwd: t.dir });
    assert.equal(r.code, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ file: string; line: number; column: number; rule: string }>;
    assert.deepEqual(rows.map((x) => [x.file, x.line, x.column, x.rule]), [['guide.md', 6, 14, 'unknown-command']]);
  } finally {
    t.cleanup();
  }
});
