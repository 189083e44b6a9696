/** A slot gate with two kinds of callers: `publish` ones are let in before any waiting `read` one. */
export interface OutputGate {
  /** Reading an output into memory. */
  read<T>(task: () => Promise<T>): Promise<T>;
  /** Turning a read output into a transcript and posting it: served first, so read outputs never pile up. */
  publish<T>(task: () => Promise<T>): Promise<T>;
}

export function createOutputGate(limit: number): OutputGate {
  let running = 0;
  const urgent: Array<() => void> = [];
  const normal: Array<() => void> = [];
  async function run<T>(task: () => Promise<T>, queue: Array<() => void>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      (urgent.shift() ?? normal.shift())?.();
    }
  }
  return { read: (task) => run(task, normal), publish: (task) => run(task, urgent) };
}
