// One file's work for the lint command: read, decode, hash, lint, and (with --fix) apply the safe fixes
// and write the file back atomically. Runs on a worker thread (./worker.ts) or in-process (--jobs 1, a
// single input); the same function either way, so both paths give the same findings.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../parser/ast';
import type { Finding } from '../rules/types';
import { lint, type LintOptions } from '../lint';
import { fixAllText } from '../features/codeActions';
import { decodeScript, readReason } from './inputs';
import { isMarkdownFile, lintMarkdown } from '../markdown/fences';

export type FixMode = 'none' | 'write' | 'dry-run';

export interface LintRequest {
  /** Absolute path; undefined with `text` (standard input). */
  absolute?: string;
  text?: string;
  display: string;
  options: LintOptions;
  fix: FixMode;
  /** Size in bytes when known (big files are scheduled one at a time). */
  size?: number;
  /** Content hash from the cache: when the bytes still hash to it, the lint is skipped (`cacheHit`). */
  cachedHash?: string;
}

export interface LintResponse {
  /** Findings without their fixes (fixes are large and not printed). */
  findings: Finding[];
  hash?: string;
  size?: number;
  mtimeMs?: number;
  /** The bytes hashed to `cachedHash`: findings are empty, take the cached ones. */
  cacheHit?: boolean;
  /** Some finding still has a safe fix (the cache must not skip this file under --fix). */
  fixable?: boolean;
  /** Fixes applied (--fix) or that would be (--fix-dry-run). */
  fixed?: number;
  /** A note for standard error (a file not fixed, and why). */
  note?: string;
  /** The file could not be read: the message (exit 2 after the run). */
  error?: string;
}

/** A plain copy of a range: the tree's ranges compute line and column lazily (getters), which
 * structured cloning to the main thread would drop. */
function plainRange(r: Range): Range {
  return {
    start: { line: r.start.line, column: r.start.column, offset: r.start.offset },
    end: { line: r.end.line, column: r.end.column, offset: r.end.offset },
  };
}

function strip(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => {
    const out: Finding = { rule: f.rule, message: f.message, range: plainRange(f.range), severity: f.severity };
    if (f.related && f.related.length > 0) out.related = f.related.map((x) => ({ message: x.message, range: plainRange(x.range), ...(x.file ? { file: x.file } : {}) }));
    return out;
  });
}

function hasSafeFix(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.fixes?.some((x) => x.safe && x.edits.length > 0));
}

/** The bytes of `text` in the encoding `original` was in (BOM kept), or undefined if that would not be lossless. */
export function encodeLike(original: Uint8Array, text: string): Buffer | undefined {
  const orig = Buffer.from(original.buffer, original.byteOffset, original.byteLength);
  let enc: (t: string) => Buffer;
  if (orig.length >= 2 && orig[0] === 0xff && orig[1] === 0xfe) enc = (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
  else if (orig.length >= 2 && orig[0] === 0xfe && orig[1] === 0xff) enc = (t) => Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]).swap16());
  else if (orig.length >= 3 && orig[0] === 0xef && orig[1] === 0xbb && orig[2] === 0xbf) enc = (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]);
  else enc = (t) => Buffer.from(t, 'utf8');
  // Only when the original decodes and re-encodes to the very same bytes (invalid UTF-8, a Latin-1 file,
  // an odd byte count in UTF-16 would not) is writing the fixed text back safe.
  if (!enc(decodeScript(orig)).equals(orig)) return undefined;
  return enc(text);
}

/** Writes `data` to `file` through a temporary file in the same folder and a rename (never half a file). */
export function writeAtomic(file: string, data: Buffer, expectOriginal: Uint8Array): void {
  const st = fs.statSync(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.rsc-lint-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  const fd = fs.openSync(tmp, 'wx', st.mode & 0o7777);
  try {
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // Changed by someone else since it was read: keep their version.
    if (!fs.readFileSync(file).equals(Buffer.from(expectOriginal))) throw new Error('the file changed while it was being fixed; not written');
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}

export function lintJob(req: LintRequest): LintResponse {
  let bytes: Uint8Array | undefined;
  let text: string;
  const res: LintResponse = { findings: [] };
  if (req.text !== undefined) {
    text = req.text;
  } else {
    try {
      const st = fs.statSync(req.absolute!);
      res.size = st.size;
      res.mtimeMs = st.mtimeMs;
      bytes = fs.readFileSync(req.absolute!);
    } catch (e) {
      return { findings: [], error: `cannot read ${req.display}: ${readReason(e)}` };
    }
    res.hash = createHash('sha1').update(bytes).digest('hex');
    if (req.cachedHash !== undefined && req.cachedHash === res.hash) return { ...res, cacheHit: true };
    text = decodeScript(bytes);
  }
  if (isMarkdownFile(req.display)) {
    // a Markdown file: its ```routeros / ```rsc / ```mikrotik blocks, positions in the .md (never fixed in place)
    res.findings = strip(lintMarkdown(text, req.options));
    return res;
  }
  let result = lint(text, req.options);
  if (req.fix !== 'none' && hasSafeFix(result.findings)) {
    const fixed = fixAllText(text, result, req.options);
    if (fixed.text !== text) {
      if (req.fix === 'write') {
        const data = bytes ? encodeLike(bytes, fixed.text) : undefined;
        if (!bytes) {
          res.note = `${req.display}: standard input is not fixed in place (use --fix-dry-run to see what remains)`;
        } else if (!data) {
          res.note = `${req.display}: not fixed: the file is not valid UTF-8/UTF-16, and writing it back would change bytes the fixes do not touch`;
        } else {
          try {
            writeAtomic(req.absolute!, data, bytes);
            res.fixed = fixed.applied;
            res.hash = createHash('sha1').update(data).digest('hex');
            const st = fs.statSync(req.absolute!);
            res.size = st.size;
            res.mtimeMs = st.mtimeMs;
            result = lint(fixed.text, req.options);
          } catch (e) {
            res.note = `${req.display}: not fixed: ${e instanceof Error ? e.message : String(e)}`;
          }
        }
      } else {
        res.fixed = fixed.applied;
        result = lint(fixed.text, req.options);
      }
    }
  }
  res.findings = strip(result.findings);
  res.fixable = hasSafeFix(result.findings);
  return res;
}
