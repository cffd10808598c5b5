/**
 * Runs at most `limit` tasks at once; the others wait their turn in order. Checking every shard
 * of a large bundle whole, all at once, would hold a chunk of each in memory together.
 */
export class TaskLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
