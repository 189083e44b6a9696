import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../../src/main/node-flags.js';

describe('V8 heap flags of the shipped processes', () => {
  it('npm start uses them', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} dist/main/cli.js`);
  });

  it("the Docker image's ENTRYPOINT uses them", () => {
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual(['node', ...NODE_FLAGS, 'dist/main/cli.js']);
  });

  it('this Node accepts them', () => {
    expect(
      execFileSync(process.execPath, [...NODE_FLAGS, '-e', 'process.stdout.write("ok")']).toString(),
    ).toBe('ok');
  });
});
