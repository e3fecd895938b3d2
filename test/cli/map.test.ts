import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { runCli } from './helpers';

const FILE = `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=tcp dst-port=22 in-interface-list=WAN comment="ssh"
add chain=input action=drop in-interface-list=WAN
`;

function file(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rsc-map-'));
  const path = join(dir, 'fw.rsc');
  writeFileSync(path, FILE);
  return { dir, path };
}

test('rsc-lint map: SVG on stdout, HTML and DOT to a file, a packet trace', async () => {
  const { dir, path } = file();
  const svg = await runCli(['map', path]);
  assert.equal(svg.code, 0, svg.stderr);
  assert.equal(XMLValidator.validate(svg.stdout), true);
  assert.match(svg.stdout, /input · 3 rules/);
  const out = join(dir, 'fw.html');
  const html = await runCli(['map', path, '--format', 'html', '--trace', 'tcp:22 from WAN', '-o', out]);
  assert.equal(html.code, 0, html.stderr);
  const page = readFileSync(out, 'utf8');
  assert.match(page, /<strong>tcp:22 from WAN<\/strong>/);
  assert.match(page, /tcp 22 from 198\.51\.100\.7 at 0 s → accept/);
  const dot = await runCli(['map', path, '-f', 'dot', '--table', 'filter']);
  assert.match(dot.stdout, /^digraph firewall \{/);
});

test('rsc-lint map: bad usage says what is allowed (exit 2)', async () => {
  const { path } = file();
  const cases: Array<[string[], RegExp]> = [
    [['map', path, '--format', 'png'], /--format: "png" is not one of svg, html, dot/],
    [['map', path, '--table', 'nope'], /--table: "nope" is not one of filter, nat, mangle, raw/],
    [['map', path, '--trace', 'tcp:70000'], /--trace: .*not a port/],
    [['map', path, '--trace', 'knock:3'], /--trace: "knock:3": the file has 0 knock sequence\(s\)/],
    [['map'], /rsc-lint map needs a FILE/],
  ];
  for (const [args, msg] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, msg);
  }
});
