// RouterOS blocks in Markdown: which fences count, what code they hold, and findings placed on the
// .md's own lines and columns (also for a block indented inside a list item).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintMarkdown, routerosFences, isMarkdownFile } from '../../server/src/markdown/fences';

const MD = [
  '# Knock guide', //                                        0
  '', //                                                     1
  '```routeros', //                                          2
  '/ip firewall filter', //                                  3
  'add chain=input action=drop', //                          4
  '```', //                                                  5
  '', //                                                     6
  '- In a list:', //                                         7
  '', //                                                     8
  '  ~~~~ RSC title="x"', //                                 9
  '  /ip firewall fliter add chain=input', //                10
  '  ~~~~', //                                               11
  '', //                                                     12
  '```bash', //                                              13
  '/ip firewall fliter add chain=input', //                  14
  '```', //                                                  15
  '````mikrotik', //                                         16
  ':put "```"', //                                           17
  '```', //                                                  18
  '/ip firewall fliter', //                                  19
  '', //                                                     20
].join('\n');

test('fences tagged routeros, rsc or mikrotik (any case) are RouterOS; others are not', () => {
  const blocks = routerosFences(MD);
  assert.deepEqual(
    blocks.map((b) => [b.language, b.firstLine, b.code]),
    [
      ['routeros', 3, '/ip firewall filter\nadd chain=input action=drop'],
      ['RSC', 10, '/ip firewall fliter add chain=input'],
      // a shorter fence does not close a longer one; never closed: runs to the end
      ['mikrotik', 17, ':put "```"\n```\n/ip firewall fliter\n'],
    ],
  );
  assert.deepEqual(blocks[1].stripped, [2]);
});

test('findings carry the .md line and column (list indentation added back)', () => {
  const f = lintMarkdown(MD).map((x) => `${x.rule}@${x.range.start.line + 1}:${x.range.start.column + 1}`);
  assert.deepEqual(f, ['unknown-command@11:16', 'unknown-command@20:14']);
  const one = lintMarkdown(MD)[0];
  const lines = MD.split('\n');
  assert.equal(MD.slice(one.range.start.offset, one.range.end.offset), 'fliter');
  assert.equal(lines[one.range.start.line].slice(one.range.start.column, one.range.end.column), 'fliter');
});

test('a document without RouterOS blocks has no findings; CRLF line ends work', () => {
  assert.deepEqual(lintMarkdown('# nothing\n\n```sh\nls\n```\n'), []);
  const crlf = '```rsc\r\n/ip firewall fliter add chain=input\r\n```\r\n';
  const f = lintMarkdown(crlf);
  assert.equal(f.length, 1);
  assert.equal(f[0].range.start.line, 1);
  assert.equal(f[0].range.start.column, 13);
});

test('markdown file names', () => {
  assert.ok(isMarkdownFile('README.md'));
  assert.ok(isMarkdownFile('guide.MARKDOWN'));
  assert.ok(!isMarkdownFile('knock.rsc'));
});
