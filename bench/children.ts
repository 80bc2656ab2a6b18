import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A server running in its own process, so the load generator never shares its event loop. */
export interface Child {
  port: number;
  /** CPU time (user + system, µs) the child has used so far */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** extra Node flags, e.g. --cpu-prof */
  nodeFlags?: string[];
}

type ChildMessage = { port: number } | { cpuMicros: number };

/**
 * Forks bench/<name>.ts under tsx and waits for `{ port }` over IPC. Stopping asks the child to
 * close and exit by itself, so a CPU profile it was started with gets written.
 */
export async function startChild(
  name: 'server' | 'bare' | 'floor',
  options: ChildOptions = {},
): Promise<Child> {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const child = fork(file, [], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const port = await Promise.race([
    nextMessage(child, (m) => ('port' in m ? m.port : undefined)),
    exited.then(([code]) =>
      Promise.reject(new Error(`bench ${name} exited with ${String(code)} before listening`)),
    ),
  ]);
  return {
    port,
    cpuMicros() {
      const answer = nextMessage(child, (m) => ('cpuMicros' in m ? m.cpuMicros : undefined));
      child.send('cpu');
      return answer;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function nextMessage<T>(child: ChildProcess, pick: (message: ChildMessage) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: ChildMessage) => {
      const value = pick(message);
      if (value === undefined) return;
      child.off('message', listener);
      resolve(value);
    };
    child.on('message', listener);
  });
}

/**
 * The child's side: report the port, answer CPU-time questions (CPU per request holds steady
 * when other work shares the machine; requests per second do not), close on 'stop', and never
 * outlive the parent.
 */
export function serveUntilStopped(port: number, close: () => Promise<void>): void {
  process.send!({ port });
  const shutdown = () =>
    void close()
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(0));
  process.on('message', (message) => {
    if (message === 'stop') shutdown();
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMicros: user + system });
    }
  });
  process.on('disconnect', shutdown);
}
