/**
 * Compiling the kernel helper (helper.c) on first use. The binary lives in a
 * cache folder, named by a hash of the source and the compile command, so an
 * edited helper.c is rebuilt and a stale binary is never run. Never committed:
 * `.cache/` is git-ignored.
 *
 * Cache folder: $TSYNC_LAB_CACHE, else `<repo>/.cache/tsync-lab`, else (if the
 * repo is read-only, e.g. an installed package) `$XDG_CACHE_HOME/tsync-lab` or
 * `~/.cache/tsync-lab`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelUnavailable } from './errors.ts';

const SOURCE = fileURLToPath(new URL('./helper.c', import.meta.url));
const REPO = dirname(dirname(dirname(SOURCE)));
const REPO_CACHE = join(REPO, '.cache', 'tsync-lab');
const FLAGS = ['-O2', '-pthread', '-std=gnu11', '-Wall'];

function cacheDirs(): string[] {
  const dirs: string[] = [];
  if (process.env['TSYNC_LAB_CACHE']) dirs.push(process.env['TSYNC_LAB_CACHE']);
  dirs.push(REPO_CACHE);
  dirs.push(join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'tsync-lab'));
  return dirs;
}

function writableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first C compiler that answers `--version`: $CC, cc, gcc, clang. */
function findCompiler(): string {
  const tried = [process.env['CC'], 'cc', 'gcc', 'clang'].filter((c): c is string => !!c);
  for (const cc of tried) {
    const r = spawnSync(cc, ['--version'], { stdio: 'ignore' });
    if (r.status === 0) return cc;
  }
  throw new KernelUnavailable(`no C compiler to build the kernel helper (tried ${tried.join(', ')}; set CC)`);
}

let built: string | undefined;

/**
 * The path of a compiled helper, building it if needed. Throws
 * KernelUnavailable when this is not Linux or nothing can compile it.
 */
export function helperPath(): string {
  if (built) return built;
  if (process.platform !== 'linux')
    throw new KernelUnavailable(`not Linux (platform ${process.platform}): seccomp TSYNC exists only on Linux`);
  const source = readFileSync(SOURCE);
  const cc = findCompiler();
  const hash = createHash('sha256')
    .update(source)
    .update('\0' + [cc, ...FLAGS].join(' ') + '\0' + process.arch)
    .digest('hex')
    .slice(0, 16);
  const dirs = cacheDirs();
  for (const dir of dirs) {
    const bin = join(dir, `helper-${hash}`);
    if (existsSync(bin)) return (built = bin);
  }
  const dir = dirs.find(writableDir);
  if (!dir) throw new KernelUnavailable(`no writable cache folder for the kernel helper (tried ${dirs.join(', ')})`);
  const bin = join(dir, `helper-${hash}`);
  // Compile to a private name, then rename: concurrent test processes may
  // build at the same time, and none may run a half-written binary.
  const tmp = `${bin}.${process.pid}.tmp`;
  try {
    execFileSync(cc, [...FLAGS, '-o', tmp, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmp, bin);
    // Binaries of earlier helper.c versions are never run again from this
    // checkout; only its own .cache is pruned (a shared $TSYNC_LAB_CACHE or
    // ~/.cache may hold another checkout's current helper).
    if (dir === REPO_CACHE)
      for (const f of readdirSync(dir)) if (/^helper-[0-9a-f]{16}$/.test(f) && f !== `helper-${hash}`) rmSync(join(dir, f), { force: true });
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(0, 3).join(' | ');
    throw new KernelUnavailable(`${cc} could not build the kernel helper: ${err || (e as Error).message}`);
  }
  return (built = bin);
}
