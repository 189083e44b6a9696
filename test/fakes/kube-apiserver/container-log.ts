/**
 * A container's log as the kubelet keeps it (CRI log lines with RFC3339Nano timestamps, stdout and stderr
 * merged) and the `/log` endpoint's streaming with `follow`, `timestamps`, `tailLines` and `limitBytes`.
 */
import type { ServerResponse } from 'node:http';
import { nowRfc3339Nano } from './types.js';

interface LogEntry {
  ts: string;
  data: Buffer;
  /** True for the last line of a stream when it did not end with a newline. */
  partial: boolean;
}

export interface LogQuery {
  follow: boolean;
  timestamps: boolean;
  limitBytes?: number;
  tailLines?: number;
}

type Listener = (entry: LogEntry | null) => void;

export class ContainerLog {
  private readonly entries: LogEntry[] = [];
  private readonly pending = new Map<string, Buffer>();
  private readonly listeners = new Set<Listener>();
  private done = false;

  get finished(): boolean {
    return this.done;
  }

  /** Appends raw output of one stream; complete lines become entries, the rest waits for its newline. */
  append(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    let buffer = Buffer.concat([this.pending.get(stream) ?? Buffer.alloc(0), chunk]);
    let newline = buffer.indexOf(10);
    while (newline >= 0) {
      this.push({ ts: nowRfc3339Nano(), data: buffer.subarray(0, newline), partial: false });
      buffer = buffer.subarray(newline + 1);
      newline = buffer.indexOf(10);
    }
    this.pending.set(stream, buffer);
  }

  /** The container exited: unterminated lines are flushed as partial entries and followers are released. */
  finish(): void {
    if (this.done) return;
    for (const rest of this.pending.values()) {
      if (rest.length) this.push({ ts: nowRfc3339Nano(), data: rest, partial: true });
    }
    this.pending.clear();
    this.done = true;
    for (const l of this.listeners) l(null);
    this.listeners.clear();
  }

  /** The whole log as text (no timestamps), for test assertions. */
  text(): string {
    return this.entries.map((e) => e.data.toString('utf8') + (e.partial ? '' : '\n')).join('');
  }

  private push(entry: LogEntry): void {
    this.entries.push(entry);
    for (const l of this.listeners) l(entry);
  }

  /** Streams the log into `res` (headers already written); resolves when the response ended. */
  serve(res: ServerResponse, query: LogQuery): Promise<void> {
    return new Promise((resolve) => {
      let sent = 0;
      let closed = false;
      const limit = query.limitBytes && query.limitBytes > 0 ? query.limitBytes : Number.POSITIVE_INFINITY;
      const finish = () => {
        if (closed) return;
        closed = true;
        this.listeners.delete(listener);
        res.end();
        resolve();
      };
      const write = (entry: LogEntry): boolean => {
        const line = Buffer.concat([
          Buffer.from(query.timestamps ? `${entry.ts} ` : ''),
          entry.data,
          Buffer.from(entry.partial ? '' : '\n'),
        ]);
        const room = limit - sent;
        const part = line.length > room ? line.subarray(0, room) : line;
        sent += part.length;
        if (part.length) res.write(part);
        return sent < limit;
      };
      const listener: Listener = (entry) => {
        if (closed) return;
        if (entry === null || !write(entry)) finish();
      };
      res.on('close', () => {
        closed = true;
        this.listeners.delete(listener);
        resolve();
      });
      const skip = query.tailLines !== undefined ? Math.max(0, this.entries.length - query.tailLines) : 0;
      const backlog = this.entries.slice(skip);
      for (const entry of backlog) {
        if (!write(entry)) return finish();
      }
      if (!query.follow || this.done) return finish();
      this.listeners.add(listener);
    });
  }
}
