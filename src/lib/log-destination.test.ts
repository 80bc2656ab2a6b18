import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const destination = fileURLToPath(new URL('./log-destination.ts', import.meta.url));

/**
 * A child process that logs `lines` numbered lines through the destination (about 200 bytes each)
 * once told to on standard input, says so on standard error, and exits when its input ends.
 */
function logger(lines: number) {
  const script = `
    import { processLogDestination } from ${JSON.stringify(destination)};
    const out = processLogDestination();
    process.stdin.once('data', () => {
      for (let n = 0; n < ${lines}; n++) out.write(JSON.stringify({ n, pad: 'x'.repeat(180) }) + '\\n');
      process.stderr.write('written\\n');
    });
    process.stdin.on('end', () => process.exit(0));
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function said(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  let seen = '';
  for await (const chunk of stream) {
    seen += String(chunk);
    if (seen.includes(text)) return;
  }
  throw new Error(`ended without saying ${text}: ${seen}`);
}

describe('the log destination', { timeout: 30_000 }, () => {
  it('stops writing once the reader is gone, and the process exits at once', async () => {
    const child = logger(2_000);
    child.stdout.destroy();
    child.stdin.write('go\n');
    await said(child.stderr, 'written');
    const exited = once(child, 'exit');
    child.stdin.end();
    assert.deepEqual(await exited, [0, null]);
  });

  it('exits without waiting while nobody reads a full pipe', async () => {
    const child = logger(2_000);
    child.stdin.write('go\n');
    await said(child.stderr, 'written');
    const exited = once(child, 'exit');
    child.stdin.end();
    assert.deepEqual(await exited, [0, null]);
    child.stdout.destroy();
  });

  it('keeps lines in order while the pipe is full, then drops the excess and says how many', async () => {
    const total = 8_000; // some 1.6 MB: more than the 1 MiB it holds
    const child = logger(total);
    child.stdin.write('go\n');
    await said(child.stderr, 'written');
    let text = '';
    const numbers: number[] = [];
    let dropped: number | undefined;
    for await (const chunk of child.stdout) {
      text += String(chunk);
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) {
        const entry = JSON.parse(line) as { n?: number; msg?: string };
        if (entry.n !== undefined) numbers.push(entry.n);
        else dropped = Number(/^(\d+) log lines were dropped/.exec(entry.msg ?? '')?.[1]);
      }
      if (dropped !== undefined) break;
    }
    child.stdin.end();
    await once(child, 'exit');
    assert.ok(dropped !== undefined && dropped > 0, 'the excess was dropped, and said so');
    assert.equal(numbers.length + dropped, total);
    assert.ok(
      numbers.every((n, i) => i === 0 || n > numbers[i - 1]!),
      'lines kept their order',
    );
    assert.deepEqual(numbers.slice(0, 3), [0, 1, 2]);
  });
});
