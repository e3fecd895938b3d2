// Turning command-line operands into texts to lint: files, directories searched recursively for
// `*.rsc`, and `-` for standard input. Every failure becomes a CliError with a message that says what
// to do; nothing here prints a stack trace.

import { inputTooLarge } from '../limits';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CliError, type CliIO } from './io';

export interface Input {
  /** The name printed in reports: the operand as given, or operand/relative for files found in a directory. */
  display: string;
  /** Absolute path; undefined for standard input. */
  absolute?: string;
}

export interface LoadedInput extends Input {
  text: string;
}

/** Display name of standard input. */
export const STDIN_NAME = '<stdin>';

/** Directories never searched when walking a directory operand. */
const SKIP_DIRS = new Set(['node_modules']);

/** A short, actionable reason for a failed file system call. */
export function readReason(e: unknown): string {
  return reason(e);
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory (check the path)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (check the file permissions)';
    case 'ENOTDIR':
      return 'a part of the path is not a directory (check the path)';
    case 'ELOOP':
      return 'too many symbolic links (check for a link loop)';
    case 'EISDIR':
      return 'is a directory';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files (lint fewer files at once)';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function isRsc(name: string): boolean {
  return name.toLowerCase().endsWith('.rsc');
}

async function walk(dir: string, display: string, out: Input[], seenDirs: Set<string>): Promise<void> {
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    throw new CliError(`cannot read ${display}: ${reason(e)}`);
  }
  if (seenDirs.has(real)) return; // a symbolic link loop or the same tree twice
  seenDirs.add(real);
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new CliError(`cannot read directory ${display}: ${reason(e)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ent of entries) {
    const abs = path.join(dir, ent.name);
    const disp = path.join(display, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    if (ent.isSymbolicLink()) {
      try {
        const st = await fs.stat(abs);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // dangling link inside a searched directory: not an operand the user named, skip it
      }
    }
    if (isDir) {
      if (SKIP_DIRS.has(ent.name) || ent.name.startsWith('.')) continue;
      await walk(abs, disp, out, seenDirs);
    } else if (isFile && isRsc(ent.name)) {
      out.push({ display: disp, absolute: abs });
    }
  }
}

/**
 * Resolves the operands to inputs in operand order (files found in a directory sorted by path).
 * Throws CliError for a missing path. Duplicate files (the same file named twice) are linted once.
 * `notes` receives one-line remarks that are not errors (a directory without .rsc files).
 */
export async function resolveInputs(operands: string[], io: CliIO, notes: string[] = []): Promise<Input[]> {
  const out: Input[] = [];
  const seenFiles = new Set<string>();
  let stdinSeen = false;
  for (const op of operands) {
    if (op === '-') {
      if (!stdinSeen) out.push({ display: STDIN_NAME });
      stdinSeen = true;
      continue;
    }
    const abs = path.resolve(io.cwd, op);
    let st;
    try {
      st = await fs.stat(abs);
    } catch (e) {
      throw new CliError(`cannot read ${op}: ${reason(e)}`);
    }
    if (st.isDirectory()) {
      const found: Input[] = [];
      await walk(abs, path.normalize(op), found, new Set());
      if (found.length === 0) notes.push(`no .rsc files found in ${op}`);
      for (const f of found) {
        if (seenFiles.has(f.absolute!)) continue;
        seenFiles.add(f.absolute!);
        out.push(f);
      }
    } else {
      if (seenFiles.has(abs)) continue;
      seenFiles.add(abs);
      out.push({ display: op, absolute: abs });
    }
  }
  return out;
}

/**
 * Decodes a script file. RouterOS exports are usually UTF-8, but hand-written scripts may be Latin-1 or
 * CP1251: invalid UTF-8 sequences become U+FFFD (positions then refer to the decoded text). A UTF-8
 * BOM is dropped, as editors do; a UTF-16 BOM selects UTF-16.
 */
export function decodeScript(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf);
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf);
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(buf);
}

/** Reads every input. All read errors are collected and thrown together as one CliError. */
export async function loadInputs(inputs: Input[], io: CliIO): Promise<LoadedInput[]> {
  const loaded: LoadedInput[] = [];
  const errors: string[] = [];
  for (const inp of inputs) {
    try {
      let text: string;
      if (inp.absolute === undefined) {
        text = await readStdinScript(io);
      } else {
        const buf = await fs.readFile(inp.absolute);
        const tooBig = inputTooLarge(buf.length, inp.display);
        if (tooBig) {
          errors.push(tooBig);
          continue;
        }
        text = decodeScript(buf);
      }
      loaded.push({ ...inp, text });
    } catch (e) {
      if (e instanceof CliError) throw e;
      errors.push(`cannot read ${inp.display}: ${reason(e)}`);
    }
  }
  if (errors.length > 0) throw new CliError(errors.join('\nrsc-lint: '));
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Streaming discovery (the lint command): files are found lazily, in the same order as
// resolveInputs, so a fleet of any size never sits in memory as a list.

export interface StreamOptions {
  /** True when the file or folder (absolute path) is excluded by an `ignore` pattern of its config. */
  ignored?: (absolute: string, isDir: boolean) => boolean;
  /** Called for a named file that an ignore pattern excludes (it is skipped). */
  onIgnored?: (display: string) => void;
  /** `--no-error-on-unmatched-pattern`: a folder without .rsc files is not an error. */
  allowUnmatched?: boolean;
}

interface DirEntryLite {
  name: string;
  abs: string;
  disp: string;
  isDir: boolean;
  isFile: boolean;
}

async function listDir(dir: string, display: string): Promise<DirEntryLite[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new CliError(`cannot read directory ${display}: ${reason(e)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: DirEntryLite[] = [];
  for (const ent of entries) {
    const abs = path.join(dir, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    if (ent.isSymbolicLink()) {
      try {
        const st = await fs.stat(abs);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // dangling link inside a searched directory: skip it
      }
    }
    out.push({ name: ent.name, abs, disp: path.join(display, ent.name), isDir, isFile });
  }
  return out;
}

/** Depth-first walk yielding *.rsc files in sorted path order (one directory listing held per level). */
async function* walkStream(dir: string, display: string, seenDirs: Set<string>, opts: StreamOptions): AsyncGenerator<Input> {
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    throw new CliError(`cannot read ${display}: ${reason(e)}`);
  }
  if (seenDirs.has(real)) return;
  seenDirs.add(real);
  for (const ent of await listDir(dir, display)) {
    if (ent.isDir) {
      if (SKIP_DIRS.has(ent.name) || ent.name.startsWith('.')) continue;
      if (opts.ignored?.(ent.abs, true)) continue;
      yield* walkStream(ent.abs, ent.disp, seenDirs, opts);
    } else if (ent.isFile && isRsc(ent.name)) {
      if (opts.ignored?.(ent.abs, false)) continue;
      yield { display: ent.disp, absolute: ent.abs };
    }
  }
}

/**
 * Like resolveInputs, lazily. Operands are checked up front (a missing path fails before any output);
 * a folder holding no (non-ignored) .rsc file is an error unless `allowUnmatched`.
 */
export async function* streamInputs(operands: string[], io: CliIO, opts: StreamOptions = {}, notes: string[] = []): AsyncGenerator<Input> {
  const checked: Array<{ op: string; abs?: string; dir: boolean }> = [];
  for (const op of operands) {
    if (op === '-') {
      checked.push({ op, dir: false });
      continue;
    }
    const abs = path.resolve(io.cwd, op);
    let st;
    try {
      st = await fs.stat(abs);
    } catch (e) {
      throw new CliError(`cannot read ${op}: ${reason(e)}`);
    }
    if (st.isDirectory()) {
      // Stops at the first file found: cheap, and it keeps a wrong path from passing CI silently.
      const first = await walkStream(abs, path.normalize(op), new Set(), opts).next();
      if (first.done) {
        const msg = `no .rsc files found in ${op}`;
        if (!opts.allowUnmatched) throw new CliError(`${msg} (check the path; --no-error-on-unmatched-pattern allows this)`);
        notes.push(msg);
      }
    }
    checked.push({ op, abs, dir: st.isDirectory() });
  }
  const seenFiles = new Set<string>();
  let stdinSeen = false;
  for (const { op, abs, dir } of checked) {
    if (op === '-') {
      if (!stdinSeen) yield { display: STDIN_NAME };
      stdinSeen = true;
    } else if (dir) {
      for await (const f of walkStream(abs!, path.normalize(op), new Set(), opts)) {
        if (seenFiles.has(f.absolute!)) continue;
        seenFiles.add(f.absolute!);
        yield f;
      }
    } else {
      if (seenFiles.has(abs!)) continue;
      seenFiles.add(abs!);
      if (opts.ignored?.(abs!, false)) {
        opts.onIgnored?.(op);
        continue;
      }
      yield { display: op, absolute: abs };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The one reader of script operands for every subcommand (encoding rules of decodeScript).

/** Standard input as a script; a directory redirected to standard input is an error, not an empty script. */
export async function readStdinScript(io: CliIO): Promise<string> {
  if (io.stdinIsDirectory?.()) {
    throw new CliError('standard input is a directory, not a script (give the directory as an operand instead of -)');
  }
  let buf: Buffer;
  try {
    buf = await io.readStdin();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EISDIR') throw new CliError('standard input is a directory, not a script (give the directory as an operand instead of -)');
    throw new CliError(`cannot read standard input: ${reason(e)}`);
  }
  return decodeScript(buf);
}

/** Reads one script operand (a file or `-`) for a subcommand, decoded as the lint command decodes it. */
export async function readScriptOperand(file: string, io: CliIO): Promise<{ text: string; display: string }> {
  if (file === '-') return { text: await readStdinScript(io), display: STDIN_NAME };
  if (file === '') throw new CliError('the FILE operand is empty (give a path, or - for standard input)');
  try {
    return { text: decodeScript(await fs.readFile(path.resolve(io.cwd, file))), display: file };
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${reason(e)}`);
  }
}
