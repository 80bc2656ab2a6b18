import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChimeClient } from '@aws-sdk/client-chime';

const root = fileURLToPath(new URL('../..', import.meta.url));
const launcher = fileURLToPath(new URL('../../bin/belfry.mjs', import.meta.url));

/**
 * The environment a child gets: this one without any Belfry, database or AWS setting that could
 * leak in from the developer's shell, plus the test's own.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(BELFRY_|AWS_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$|NODE_OPTIONS$|NODE_TEST_CONTEXT$)/.test(k),
    ),
  );
  return { ...clean, ...env };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/belfry.mjs …` from a directory of the test's choosing, as an operator would.
 * With `readerGone`, its standard output is a pipe nobody reads any more, as in `belfry … | head -1`
 * once head has exited.
 */
export function belfry(
  env: Record<string, string>,
  args: string[],
  cwd: string,
  options: { readerGone?: boolean } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd, env: childEnv(env) });
    if (options.readerGone) child.stdout.destroy();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Server process groups still running; ended if the test process exits without its after hooks. */
const running = new Set<number>();
process.on('exit', () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface ServerProcess {
  url: string;
  /** everything printed on standard output up to and including the "ready" line */
  stdout: string;
  /** the node process that serves (npm and its shell are its parents): the pid its log names */
  pid: number;
  /** `npm start`, the leader of the server's process group; its output is read until stop() */
  child: ChildProcess & { stdout: Readable };
  stop(): Promise<void>;
  /** SIGKILLs the serving node process, as a crash would; resolves once npm has exited too */
  kill(): Promise<void>;
}

/**
 * Starts the real server with `npm start` in the project root, on a free port (PORT=0), and
 * resolves once it says it is ready (after the first-start key, if any, is printed). The server runs in its own process group so
 * stop() ends npm and node together.
 */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = npmStart(env);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`server did not start within 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (!listening || !stdout.includes('Belfry is ready')) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const pid = Number(/"pid":(\d+)[^\n]*Belfry is ready/.exec(stdout)?.[1]);
      resolve({
        url: listening[1]!,
        stdout,
        pid,
        child,
        stop: () => stopGroup(child),
        kill: () => kill9(child, pid),
      });
    });
  });
}

/** Starts the real server like startServer, for a start that must fail: resolves once it exits. */
export function failedStart(env: Record<string, string>): Promise<Result> {
  const child = npmStart(env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`server did not exit within 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npm start` in the project root, in a process group of its own that the exit hook ends. */
function npmStart(env: Record<string, string>): ChildProcess & { stdout: Readable; stderr: Readable } {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: childEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env }),
    detached: true,
  });
  if (child.pid !== undefined) running.add(child.pid);
  return child;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pgid = child.pid;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return; // already gone
  } finally {
    running.delete(pgid);
  }
  await exited;
}

/** Kills the server's own node process, never npm in its place (that would leave node running). */
async function kill9(child: ChildProcess, pid: number): Promise<void> {
  const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (!command.includes('build/main.mjs')) throw new Error(`pid ${pid} is not the server: ${command}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(pid, 'SIGKILL');
  await exited;
  if (child.pid !== undefined) running.delete(child.pid);
}

/** One profile of an AWS shared-credentials file, read the way the SDK's ini loader reads it. */
export function readProfile(file: string, profile: string): { accessKeyId: string; secretAccessKey: string } {
  let current: string | undefined;
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) current = header[1]!.trim();
    else if (current === profile) {
      const pair = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (pair) values[pair[1]!] = pair[2]!;
    }
  }
  const accessKeyId = values['aws_access_key_id'];
  const secretAccessKey = values['aws_secret_access_key'];
  if (!accessKeyId || !secretAccessKey) throw new Error(`profile ${profile} not found in ${file}`);
  return { accessKeyId, secretAccessKey };
}

/** A Chime SDK client for a server process; no retries, so a refusal shows at once. */
export function chime(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): ChimeClient {
  return new ChimeClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
}
