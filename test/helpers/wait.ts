/** Polls `done` every `everyMs` until it holds or `limitMs` passed; whether it held. */
export async function waitFor(
  done: () => Promise<boolean>,
  limitMs: number,
  everyMs = 100,
): Promise<boolean> {
  const start = Date.now();
  while (!(await done())) {
    if (Date.now() - start > limitMs) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
