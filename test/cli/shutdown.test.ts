import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InviteUsersCommand } from '@aws-sdk/client-chime';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { startSmtpCapture } from '../helpers/smtp.js';
import { chime, readProfile, startServer, type ServerProcess } from './processes.js';

// About the process and its output, not the database: SQLite (the default) is enough.
const RUNS = 3;
/** The server's own deadline is 5 s; the rest is slack for a loaded machine. */
const EXIT_WITHIN_MS = 12_000;

describe('a stopping server exits whatever happened to its output', { timeout: 300_000 }, () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'belfry-shutdown-'));
  });
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases: { when: string; cutOff(server: ServerProcess): Promise<void> }[] = [
    {
      when: 'the reader of its standard output is gone (EPIPE)',
      async cutOff(server) {
        server.child.stdout.destroy();
        await requests(server.url, 50);
      },
    },
    {
      when: 'nobody reads its standard output any more (a full pipe: EAGAIN)',
      async cutOff(server) {
        const output = server.child.stdout;
        output.pause();
        // This side stops reading once its own buffer is full; then the socket pair Node uses for
        // a child's output fills (a few hundred log lines). The server keeps answering all along.
        for (let round = 0; round < 20 && output.readableLength < output.readableHighWaterMark; round++)
          await requests(server.url, 100);
        assert.ok(output.readableLength >= output.readableHighWaterMark, 'the reader stopped reading');
        await requests(server.url, 1_000);
      },
    },
  ];

  for (const { when, cutOff } of cases) {
    it(`exits within seconds of SIGTERM when ${when}, ${RUNS} times`, async (t) => {
      const took: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const server = await startServer({ BELFRY_DATA_DIR: dataDir });
        try {
          await cutOff(server);
          // Requests keep coming while it stops, so log lines are being written as it exits.
          const load = keepRequesting(server.url);
          // To the server itself, as a supervisor does (npm, its parent, is not what is tested).
          process.kill(server.pid, 'SIGTERM');
          took.push(await exited(server.pid, EXIT_WITHIN_MS));
          await load;
        } finally {
          killGroup(server);
        }
      }
      t.diagnostic(`stops took ${took.join(', ')} ms`);
    });
  }

  it('cuts a stop short at its deadline when a job does not end, exiting with status 1', async (t) => {
    // A mail server that takes the message and never answers: the job sending it hangs.
    let answer: () => void = () => undefined;
    const never = new Promise<void>((resolve) => (answer = resolve));
    let arrived: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => (arrived = resolve));
    const smtp = await startSmtpCapture({ beforeReply: () => (arrived(), never) });
    const ownDir = mkdtempSync(join(tmpdir(), 'belfry-shutdown-'));
    const server = await startServer({
      BELFRY_DATA_DIR: ownDir,
      SMTP_URL: smtp.url,
      BELFRY_JOBS_POLL_MS: '50',
    });
    try {
      const client = chime(server.url, readProfile(join(ownDir, 'credentials'), 'belfry'));
      const accountId = await newAccountId(client);
      await client.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [uniqueEmail()] }));
      await sending;
      const npmExit = once(server.child, 'exit');
      process.kill(server.pid, 'SIGTERM');
      const took = await exited(server.pid, EXIT_WITHIN_MS);
      assert.ok(took >= 4_500, `it waited for the job until the deadline (${took} ms)`);
      assert.deepEqual(await npmExit, [1, null], 'npm passes on the status 1 of a stop cut short');
      t.diagnostic(`the stop took ${took} ms`);
    } finally {
      killGroup(server);
      answer();
      await smtp.stop();
      rmSync(ownDir, { recursive: true, force: true });
    }
  });
});

async function requests(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10)
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`${url}/health`);
        assert.equal(response.status, 200);
      }),
    );
}

/** Requests until the server stops answering (bounded, should it never stop). */
async function keepRequesting(url: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    } catch {
      return;
    }
  }
}

/** Milliseconds until process `pid` is gone; throws once `limitMs` passed with it still there. */
async function exited(pid: number, limitMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    try {
      process.kill(pid, 0);
    } catch {
      return Date.now() - start;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server (pid ${pid}) was still running ${limitMs} ms after SIGTERM`);
}

function killGroup(server: ServerProcess): void {
  try {
    process.kill(-server.child.pid!, 'SIGKILL');
  } catch {
    // gone, as it should be
  }
}
