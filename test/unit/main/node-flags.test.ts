import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureHeapFlags, heapFlagsFor, missingFlags, NODE_FLAGS } from '../../../src/main/node-flags.js';

describe('V8 heap flags of the shipped processes', () => {
  it('npm start (front end and worker in one process) passes them on its command line', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} dist/main/cli.js`);
  });

  it("the Docker image's ENTRYPOINT starts every role alike and leaves the flags to the role", () => {
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual(['node', 'dist/main/cli.js']);
  });

  it('this Node accepts them', () => {
    expect(
      execFileSync(process.execPath, [...NODE_FLAGS, '-e', 'process.stdout.write("ok")']).toString(),
    ).toBe('ok');
  });

  it('only roles that run a worker need them', () => {
    expect(heapFlagsFor('bot')).toEqual([]);
    expect(heapFlagsFor('worker')).toEqual(NODE_FLAGS);
    expect(heapFlagsFor('all')).toEqual(NODE_FLAGS);
  });

  it('a flag given with another value or spelled with underscores counts as given', () => {
    expect(missingFlags(NODE_FLAGS, [])).toEqual([...NODE_FLAGS]);
    expect(missingFlags(NODE_FLAGS, ['--max_semi_space_size=8', '--inspect'])).toEqual([
      '--heap-growing-percent=20',
    ]);
    expect(missingFlags(NODE_FLAGS, [...NODE_FLAGS])).toEqual([]);
  });
});

describe('ensureHeapFlags', () => {
  const fakeProcess = (execArgv: string[], execve?: (...args: unknown[]) => void) =>
    ({
      execArgv,
      execPath: '/usr/bin/node',
      argv: ['/usr/bin/node', '/app/dist/main/cli.js', '--role', 'worker'],
      env: { REDIS_URL: 'redis://r' },
      ...(execve ? { execve } : {}),
    }) as unknown as NodeJS.Process;

  it('replaces a worker process started without them by the same command with them', () => {
    const calls: unknown[][] = [];
    ensureHeapFlags(
      'worker',
      fakeProcess(['--enable-source-maps'], (...args) => calls.push(args)),
    );
    expect(calls).toEqual([
      [
        '/usr/bin/node',
        ['/usr/bin/node', ...NODE_FLAGS, '--enable-source-maps', '/app/dist/main/cli.js', '--role', 'worker'],
        { REDIS_URL: 'redis://r', K8S_DEBUG_BOT_RESTARTED: '1' },
      ],
    ]);
  });

  it('counts flags given in NODE_OPTIONS, never restarts twice, and can be told not to restart', () => {
    const execve = () => {
      throw new Error('must not restart');
    };
    const withEnv = (env: Record<string, string>, execArgv: string[] = []) => {
      const proc = fakeProcess(execArgv, execve);
      (proc as { env: Record<string, string> }).env = env;
      return proc;
    };
    expect(
      ensureHeapFlags(
        'worker',
        withEnv({ NODE_OPTIONS: '--max-semi-space-size=8' }, ['--heap-growing-percent=30']),
      ),
    ).toEqual({ kind: 'ok' });
    expect(ensureHeapFlags('worker', withEnv({ K8S_DEBUG_BOT_RESTARTED: '1' }))).toMatchObject({
      kind: 'applied-at-runtime',
      missing: ['--max-semi-space-size=4'],
    });
    expect(ensureHeapFlags('worker', withEnv({ K8S_DEBUG_BOT_NO_RESTART: '1' }))).toMatchObject({
      kind: 'applied-at-runtime',
    });
  });

  it('leaves the front end and a process that has them alone', () => {
    const execve = () => {
      throw new Error('must not restart');
    };
    expect(ensureHeapFlags('bot', fakeProcess([], execve))).toEqual({ kind: 'ok' });
    expect(ensureHeapFlags('all', fakeProcess([...NODE_FLAGS], execve))).toEqual({ kind: 'ok' });
  });

  it('without execve (Node before 22.15) sets what V8 reads at run time and names the rest', () => {
    expect(ensureHeapFlags('worker', fakeProcess([]))).toEqual({
      kind: 'applied-at-runtime',
      flags: ['--heap-growing-percent=20'],
      missing: ['--max-semi-space-size=4'],
    });
  });
});
