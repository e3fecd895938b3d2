// The output formats as pure functions: exact positions (1-based, exclusive end), the JSON shape, the
// summary line and the SARIF structure, on hand-made findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { artifactUri, formatJson, formatSarif, formatText, summaryLine, type FileReport } from '../../server/src/cli/formats';
import type { Finding } from '../../server/src/rules/types';

function finding(rule: string, severity: Finding['severity'], sl: number, sc: number, el: number, ec: number, message = `${rule} message`): Finding {
  return {
    rule,
    severity,
    message,
    range: { start: { line: sl, column: sc, offset: 0 }, end: { line: el, column: ec, offset: 0 } },
  };
}

const reports: FileReport[] = [
  {
    file: 'examples/knock-broken.rsc',
    findings: [
      // `add ...` on the third line (0-based 2), columns 0..10 exclusive.
      finding('knock-shadowed', 'error', 2, 0, 2, 10, 'knock stage 1 never fires: "drop everything else from WAN" (line 2) drops it first'),
      finding('knock-weak-port', 'warning', 3, 4, 3, 17),
    ],
  },
  { file: 'clean.rsc', findings: [] },
  { file: '<stdin>', findings: [finding('knock-no-interface', 'info', 0, 0, 1, 0), finding('x-hint', 'hint', 0, 0, 0, 0)] },
];

test('text: path:line:column: severity rule-id message, 1-based, then the summary', () => {
  assert.equal(
    formatText(reports, false),
    [
      'examples/knock-broken.rsc:3:1: error knock-shadowed knock stage 1 never fires: "drop everything else from WAN" (line 2) drops it first',
      'examples/knock-broken.rsc:4:5: warning knock-weak-port knock-weak-port message',
      '<stdin>:1:1: info knock-no-interface knock-no-interface message',
      '<stdin>:1:1: hint x-hint x-hint message',
      '4 problems (1 error, 1 warning, 1 info, 1 hint) in 3 files',
      '',
    ].join('\n'),
  );
});

test('text: messages are kept on one line; colour wraps the parts without changing the text', () => {
  const multi: FileReport[] = [{ file: 'a.rsc', findings: [finding('r', 'error', 0, 0, 0, 1, 'first\nsecond')] }];
  assert.equal(formatText(multi, false), 'a.rsc:1:1: error r first second\n1 problem (1 error, 0 warnings, 0 infos) in 1 file\n');
  const colored = formatText(multi, true);
  assert.match(colored, /\u001b\[31merror\u001b\[0m/);
  assert.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), formatText(multi, false));
});

test('summary: no problems', () => {
  assert.equal(summaryLine([{ file: 'a.rsc', findings: [] }]), '0 problems (0 errors, 0 warnings, 0 infos) in 1 file');
  assert.equal(summaryLine([]), '0 problems (0 errors, 0 warnings, 0 infos) in 0 files');
});

test('json: one array of {file,line,column,endLine,endColumn,severity,rule,message} in that key order', () => {
  const out = formatJson(reports);
  const rows = JSON.parse(out) as Array<Record<string, unknown>>;
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.deepEqual(Object.keys(r), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'rule', 'message']);
  }
  assert.deepEqual(rows[0], {
    file: 'examples/knock-broken.rsc',
    line: 3,
    column: 1,
    endLine: 3,
    endColumn: 11,
    severity: 'error',
    rule: 'knock-shadowed',
    message: 'knock stage 1 never fires: "drop everything else from WAN" (line 2) drops it first',
  });
  assert.deepEqual(rows[2], {
    file: '<stdin>',
    line: 1,
    column: 1,
    endLine: 2,
    endColumn: 1,
    severity: 'info',
    rule: 'knock-no-interface',
    message: 'knock-no-interface message',
  });
  assert.equal(formatJson([{ file: 'a.rsc', findings: [] }]), '[]\n');
});

test('sarif: 2.1.0 log with rules, results, levels, relative artifact URIs and regions', () => {
  const withRelated: FileReport[] = [
    {
      file: path.join('sub dir', 'knock #1.rsc'),
      findings: [
        {
          ...finding('knock-shadowed', 'error', 9, 0, 10, 20, 'hidden'),
          related: [{ message: 'the rule that hides it', range: { start: { line: 4, column: 0, offset: 0 }, end: { line: 4, column: 30, offset: 0 } } }],
        },
        finding('knock-no-interface', 'info', 1, 2, 1, 3),
        finding('parse-error', 'hint', 0, 0, 0, 0),
      ],
    },
  ];
  const log = JSON.parse(
    formatSarif(withRelated, {
      version: '1.2.3',
      rules: [
        { id: 'parse-error', defaultSeverity: 'error', description: 'Syntax.' },
        { id: 'knock-no-interface', defaultSeverity: 'info', description: 'No WAN limit.' },
      ],
      docsBase: 'https://example.invalid/docs/rules/',
      cwd: process.cwd(),
    }),
  );
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, 'rsc-lint');
  assert.equal(run.tool.driver.version, '1.2.3');
  assert.equal(run.columnKind, 'utf16CodeUnits');
  // A finding of a rule missing from the list gets a rule entry too.
  assert.deepEqual(
    run.tool.driver.rules.map((r: { id: string }) => r.id),
    ['parse-error', 'knock-no-interface', 'knock-shadowed'],
  );
  assert.deepEqual(run.tool.driver.rules[1], {
    id: 'knock-no-interface',
    shortDescription: { text: 'No WAN limit.' },
    helpUri: 'https://example.invalid/docs/rules/knock-no-interface.md',
    defaultConfiguration: { level: 'note' },
  });
  assert.deepEqual(run.artifacts, [{ location: { uri: 'sub%20dir/knock%20%231.rsc' } }]);
  assert.deepEqual(run.results[0], {
    ruleId: 'knock-shadowed',
    ruleIndex: 2,
    level: 'error',
    message: { text: 'hidden' },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'sub%20dir/knock%20%231.rsc', index: 0 },
          region: { startLine: 10, startColumn: 1, endLine: 11, endColumn: 21 },
        },
      },
    ],
    relatedLocations: [
      {
        id: 0,
        message: { text: 'the rule that hides it' },
        physicalLocation: {
          artifactLocation: { uri: 'sub%20dir/knock%20%231.rsc', index: 0 },
          region: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 31 },
        },
      },
    ],
  });
  assert.deepEqual(
    run.results.map((r: { level: string; ruleIndex: number }) => [r.level, r.ruleIndex]),
    [
      ['error', 2],
      ['note', 1],
      ['note', 0],
    ],
  );
});

test('artifactUri: relative, forward slashes, stdin, and outside the working directory', () => {
  const cwd = path.resolve('/work/project');
  assert.equal(artifactUri('examples/a.rsc', cwd), 'examples/a.rsc');
  assert.equal(artifactUri('/work/project/x/y.rsc', cwd), 'x/y.rsc');
  assert.equal(artifactUri('../other/z.rsc', cwd), '../other/z.rsc');
  assert.equal(artifactUri('<stdin>', cwd), 'stdin');
});
