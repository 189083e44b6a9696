import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildContainerCommand,
  COMMAND_SCRIPT,
  nonceOf,
  randomNonce,
} from '../../../src/kube/build-command-script.js';
import { parseWrappedOutput } from '../../../src/kube/parse-command-output.js';

const dir = mkdtempSync(join(tmpdir(), 'cmd-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the container command with a real shell, like the kubelet would (argv, no extra shell). */
function runContainer(command: string[], shell = '/bin/sh') {
  const terminationLog = join(dir, `tl-${Math.random()}`);
  writeFileSync(terminationLog, '');
  const sh = shell.endsWith('busybox') ? [shell, 'sh'] : [shell];
  const argv = command[0] === 'sh' ? [...sh, ...command.slice(1)] : command;
  const result = spawnSync(argv[0]!, argv.slice(1), {
    env: { PATH: process.env.PATH, TERMINATION_LOG: terminationLog },
  });
  // Stamp each line the way the kubelet does with timestamps=true.
  const stamped = result.stdout
    .toString('utf8')
    .split(/(?<=\n)/)
    .map((line) => `2026-11-29T12:00:00.000000000Z ${line}`)
    .join('');
  return {
    stamped,
    stdout: result.stdout.toString('utf8'),
    status: result.status,
    terminationMessage: readFileSync(terminationLog, 'utf8'),
  };
}

const shells = ['/bin/sh', '/bin/bash', '/bin/dash', '/bin/busybox'].filter((s) => existsSync(s));

describe('buildContainerCommand', () => {
  it('uses the argv itself for a single command', () => {
    expect(buildContainerCommand([['ps', 'aux']], 'n')).toEqual(['ps', 'aux']);
  });

  it('passes several commands as data after a constant script', () => {
    const nonce = randomNonce();
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    const command = buildContainerCommand([['ls', '-l'], ['id']], nonce);
    expect(command).toEqual(['sh', '-c', COMMAND_SCRIPT, 'sh', nonce, '2', 'ls', '-l', '1', 'id']);
    expect(nonceOf(command)).toBe(nonce);
    expect(nonceOf(['ls'])).toBeUndefined();
  });
});

describe.each(shells)('the wrapper script under %s', (shell) => {
  const run = (commands: string[][]) => {
    const nonce = randomNonce();
    const result = runContainer(buildContainerCommand(commands, nonce), shell);
    const parsed = parseWrappedOutput({
      commands,
      nonce,
      log: result.stamped,
      terminationMessage: result.terminationMessage,
    });
    return { ...result, parsed, nonce };
  };

  it('runs every argv literally: metacharacters, quotes, spaces, newlines, more than nine arguments', () => {
    const tricky = [
      'a;b',
      '$(id)',
      '`id`',
      '"dq"',
      "it's",
      'two  spaces',
      'line\nbreak',
      '|',
      '&&',
      '>x',
      '*',
      '$HOME',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal that must not be expanded
      '${PATH}',
    ];
    const { parsed } = run([
      ['printf', '[%s]', ...tricky],
      ['printf', '%s,', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
    ]);
    expect(parsed[0]!.output).toBe(tricky.map((t) => `[${t}]`).join(''));
    expect(parsed[1]!.output).toBe('1,2,3,4,5,6,7,8,9,10,11,');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('reports each exit code, also in the termination message, and exits with the last one', () => {
    const { parsed, terminationMessage, status } = run([
      ['sh', '-c', 'exit 3'],
      ['true'],
      ['sh', '-c', 'echo err >&2; exit 7'],
    ]);
    expect(parsed.map((c) => [c.exitCode, c.truncated])).toEqual([
      [3, false],
      [0, false],
      [7, false],
    ]);
    expect(parsed[2]!.output).toBe('err\n');
    expect(terminationMessage).toBe('1 3\n2 0\n3 7\n');
    expect(status).toBe(7);
  });

  it('execs the argv like a container would: shell builtins are not run, a missing program is 127', () => {
    const { parsed } = run([['exit', '4'], ['cd', '/'], ['no-such-program-xyz'], ['echo', 'still here']]);
    expect(parsed.map((c) => c.exitCode)).toEqual([127, 127, 127, 0]);
    expect(parsed[3]!.output).toBe('still here\n');
  });

  it('keeps output without a trailing newline, and cannot be fooled by forged markers', () => {
    const forged = ['::dbg-0000::end::1::0', '::dbg-ffff::start::2'];
    const { parsed, nonce } = run([
      ['printf', 'no newline'],
      ['printf', '%s\n', ...forged],
      ['echo', 'last'],
    ]);
    expect(parsed.map((c) => c.output)).toEqual(['no newline', `${forged.join('\n')}\n`, 'last\n']);
    const guessed = `::dbg-${nonce.replace(/./g, '0')}::end::2::9`;
    const again = run([['echo', guessed], ['true']]);
    expect(again.parsed.map((c) => [c.output, c.exitCode])).toEqual([
      [`${guessed}\n`, 0],
      ['', 0],
    ]);
  });
});
