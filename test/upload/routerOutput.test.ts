import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogicalLines, findNonAscii, isEffectivelyEmpty } from '../../client/src/upload/lines';
import { classifyImport, dryRunRejected, parseVersion, readImportOutput, supportsDryRun } from '../../client/src/upload/routerOutput';

const script = [
  '/ip firewall filter', //                                   1 (logical 1)
  'add chain=input action=accept connection-state=established \\', // 2 (logical 2)
  '    comment="keep"', //                                     3 (logical 2, continued)
  'add chain=input action=drop in-interface=ether1', //        4 (logical 3)
  '/ip firewall address-list add list=knock address=10.0.0.1', // 5 (logical 4)
].join('\n');

describe('logical lines (RouterOS line numbers)', () => {
  const ll = new LogicalLines(script);

  it('joins a line ending in a backslash with the next one', () => {
    assert.equal(ll.lines.length, 4);
    assert.equal(ll.lines[1].text, 'add chain=input action=accept connection-state=established     comment="keep"');
    assert.deepEqual([ll.lines[1].startLine, ll.lines[1].endLine], [1, 2]);
  });

  it('maps the router line 3 column 17 to file line 4 column 17 (1-based) past a continuation', () => {
    assert.deepEqual(ll.toPhysical(3, 17), { line: 3, column: 16, endLine: 3 });
  });

  it('maps a column inside the continued part onto the continuation line', () => {
    // "add chain=input action=accept connection-state=established " is 59 chars, so router column 64
    // (1-based) is the "c" of `comment` on the continuation line (column 4, 0-based)
    const p = ll.toPhysical(2, 64);
    assert.deepEqual(p, { line: 2, column: 4, endLine: 2 });
  });

  it('an escaped backslash at the end does not continue', () => {
    assert.equal(new LogicalLines(':put "a\\\\"\n:put b').lines.length, 2);
  });

  it('finds the line of each non-ASCII character, and empty files', () => {
    assert.deepEqual(findNonAscii('/ip address\nadd comment="Büro"\nok'), [{ line: 1, column: 14, char: 'ü' }]);
    assert.equal(isEffectivelyEmpty('\n# only a comment\n   \n'), true);
    assert.equal(isEffectivelyEmpty('/ip address print'), false);
  });
});

describe('reading /import output', () => {
  it('success only with the router\'s marker', () => {
    const ok = classifyImport('/ip firewall filter\nScript file loaded and executed successfully\n', script, 'import');
    assert.equal(ok.outcome, 'applied');
    const silent = classifyImport('', script, 'import');
    assert.equal(silent.outcome, 'unknown');
  });

  it('a syntax error is mapped through continuation lines and means nothing was applied (v7)', () => {
    const c = classifyImport('syntax error (line 3 column 17)\n', script, 'import', parseVersion('7.22.1 (stable)'));
    assert.equal(c.outcome, 'not-applied');
    assert.equal(c.problems[0].kind, 'syntax');
    assert.deepEqual([c.problems[0].line, c.problems[0].column], [3, 16]);
  });

  it('expected end of command and bad command name are syntax errors', () => {
    const a = readImportOutput('expected end of command (line 4 column 5)', script);
    assert.deepEqual([a.problems[0].kind, a.problems[0].line, a.problems[0].column], ['syntax', 4, 4]);
    const b = readImportOutput('bad command name fliter (line 1 column 14)', script);
    assert.deepEqual([b.problems[0].kind, b.problems[0].line, b.problems[0].column], ['syntax', 0, 13]);
  });

  it('a run-time failure with a line number is partly applied: the lines before it took effect', () => {
    const out = [
      '/ip firewall filter',
      'add chain=input action=accept connection-state=established     comment="keep"',
      'add chain=input action=drop in-interface=ether1',
      '/ip firewall address-list add list=knock address=10.0.0.1',
      'failure: already have such entry (line 4)',
    ].join('\n');
    const c = classifyImport(out, script, 'import');
    assert.equal(c.outcome, 'partly-applied');
    assert.deepEqual([c.problems[0].kind, c.problems[0].line], ['runtime', 4]);
    assert.match(c.summary, /lines 1-4 were applied/);
  });

  it('a run-time error without a line is located by the last echoed command (verbose=yes)', () => {
    const out = '/ip firewall filter\nadd chain=input action=accept connection-state=established     comment="keep"\nadd chain=input action=drop in-interface=ether1\ninput does not match any value of action\n';
    const c = classifyImport(out, script, 'import');
    assert.equal(c.outcome, 'partly-applied');
    assert.deepEqual([c.problems[0].line, c.problems[0].column, c.problems[0].endLine], [3, 0, 3]);
  });

  it('the first command failing means nothing was applied', () => {
    const c = classifyImport('/ip firewall filter\nadd chain=input action=accept connection-state=established     comment="keep"\ninput does not match any value of connection-state\n', script, 'import');
    assert.equal(c.outcome, 'not-applied');
    assert.equal(c.problems[0].line, 1);
  });

  it('dry run: marker = validated, error = not applied', () => {
    assert.equal(classifyImport('Script file loaded successfully\n', script, 'dry-run').outcome, 'validated');
    assert.equal(classifyImport('syntax error (line 2 column 1)\n', script, 'dry-run').outcome, 'not-applied');
  });

  it('knows which versions have dry-run and when the router rejects the argument', () => {
    assert.equal(supportsDryRun(parseVersion('7.16 (stable)')), true);
    assert.equal(supportsDryRun(parseVersion('7.15.3 (stable)')), false);
    assert.equal(supportsDryRun(parseVersion('6.49.10 (long-term)')), false);
    assert.equal(supportsDryRun(undefined), undefined);
    const cmd = '/import file-name=x.rsc verbose=yes dry-run';
    assert.equal(dryRunRejected('expected end of command (line 1 column 37)\n', cmd), true);
    assert.equal(dryRunRejected('expected end of command (line 1 column 5)\n', cmd), false);
  });
});
