// Ending awsp on a signal without ever stopping it in the middle of a write. A signal with no
// handler kills the process wherever it is, between a temporary file's write and its rename
// included; a handler runs only between JavaScript tasks, and awsp's writes are synchronous
// from start to end, so under one they always finish (or never start).
import { constants } from 'node:os';

/** Runs FN with SIGINT, SIGTERM and SIGHUP ending the process (after the cleanups FN registers), with the usual 128+N status. */
export async function interruptible<T>(fn: (onInterrupt: (cleanup: () => void) => void) => Promise<T>): Promise<T> {
  const cleanups: Array<() => void> = [];
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    handlers.set(s, () => {
      for (const c of cleanups) c();
      process.exit(128 + constants.signals[s]);
    });
  }
  for (const [s, h] of handlers) process.on(s, h);
  try {
    return await fn((c) => cleanups.push(c));
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}
