import { describe, expect, it } from 'vitest';
import { deriveContainerName } from '../../../src/core/derive-ids.js';
import type { CommandRun, DebugOutcome } from '../../../src/core/model.js';
import type { TranscriptBuilder } from '../../../src/core/ports.js';
import { buildTranscript, EPHEMERAL_CONTAINER_NOTE } from '../../../src/transcript/build-transcript.js';
import { aDebugRequest } from '../../helpers/builders.js';
import { GITHUB_TOKEN, NPM_TOKEN, SLACK_BOT_TOKEN, serviceAccountJwt } from './fake-secrets.js';

function aRun(overrides: Partial<CommandRun> = {}): CommandRun {
  const output = overrides.output ?? 'ok\n';
  return {
    argv: ['ps', 'auxww'],
    exitCode: 0,
    durationMs: 12,
    output,
    outputBytes: output.length,
    truncated: false,
    ...overrides,
  };
}

function anOutcome(overrides: Partial<DebugOutcome> = {}): DebugOutcome {
  return {
    containerName: 'dbg-rtestrequest1',
    podName: 'checkout-7d9f',
    namespace: 'shop',
    targetContainer: 'app',
    image: 'busybox:1.36',
    imageId:
      'docker.io/library/busybox@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
    profile: 'restricted',
    adopted: false,
    commands: [aRun()],
    state: 'completed',
    ourContainersInPod: 1,
    notes: [],
    ...overrides,
  };
}

const request = aDebugRequest();

describe('buildTranscript', () => {
  it('implements the TranscriptBuilder port', () => {
    const builder: TranscriptBuilder = buildTranscript;
    expect(builder).toBe(buildTranscript);
  });

  it('builds a succeeded transcript with the header from request and outcome', async () => {
    const transcript = await buildTranscript({
      request,
      outcome: anOutcome({ notes: ['adopted an existing container'] }),
      approvers: ['U0BOSS'],
      cluster: 'prod-eu',
    });
    expect(transcript).toEqual({
      requestId: 'rtestrequest1',
      requester: request.requester,
      approvers: ['U0BOSS'],
      cluster: 'prod-eu',
      namespace: 'shop',
      pod: 'checkout-7d9f',
      targetContainer: 'app',
      image: 'busybox:1.36',
      imageId:
        'docker.io/library/busybox@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
      profile: 'restricted',
      containerName: 'dbg-rtestrequest1',
      commands: [
        {
          argv: ['ps', 'auxww'],
          exitCode: 0,
          durationMs: 12,
          output: 'ok\n',
          outputBytes: 3,
          truncated: false,
        },
      ],
      outcome: 'succeeded',
      redactions: 0,
      ourContainersInPod: 1,
      notes: ['adopted an existing container', EPHEMERAL_CONTAINER_NOTE],
    });
  });

  it('sanitises then redacts every output, counting all redactions', async () => {
    const jwt = serviceAccountJwt();
    const outcome = anOutcome({
      commands: [
        aRun({
          argv: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
          output: `\u001B[32m${jwt}\u001B[0m`,
        }),
        aRun({ argv: ['env'], output: `SLACK=${SLACK_BOT_TOKEN}\r\nDB_PASSWORD=hunter2\r\n` }),
      ],
    });
    const transcript = await buildTranscript({ request, outcome });
    expect(transcript.commands.map((c) => c.output)).toEqual([
      '[REDACTED:jwt]',
      'SLACK=[REDACTED:slack-token]\nDB_PASSWORD=[REDACTED:password]\n',
    ]);
    expect(transcript.redactions).toBe(3);
    const everything = JSON.stringify(transcript);
    for (const secret of [jwt, SLACK_BOT_TOKEN, 'hunter2']) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/\\u001b|\\r/i);
  });

  it('redacts secrets typed into the argv, including flag values and curl -u', async () => {
    const outcome = anOutcome({
      commands: [
        aRun({ argv: ['curl', '-H', `Authorization: token ${GITHUB_TOKEN}`, 'https://api.github.com'] }),
        aRun({ argv: ['mysql', '--password', 'hunter2', '-e', 'select 1'] }),
        aRun({ argv: ['curl', '-u', 'admin:pa55', 'http://svc'] }),
        aRun({ argv: ['sh', '-c', `npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}`] }),
      ],
    });
    const transcript = await buildTranscript({ request, outcome });
    expect(transcript.commands.map((c) => c.argv)).toEqual([
      ['curl', '-H', 'Authorization: token [REDACTED:bearer]', 'https://api.github.com'],
      ['mysql', '--password', '[REDACTED:password]', '-e', 'select 1'],
      ['curl', '-u', 'admin:[REDACTED:password]', 'http://svc'],
      ['sh', '-c', 'npm config set //registry.npmjs.org/:_authToken=[REDACTED:password]'],
    ]);
    expect(transcript.redactions).toBe(4);
  });

  it('marks binary output and keeps outputBytes/truncated from the run', async () => {
    const outcome = anOutcome({
      commands: [
        aRun({
          argv: ['cat', '/bin/busybox'],
          output: '\u007FELF\u0002\u0001\u0001\u0000\u0000\u0000\u0000',
          outputBytes: 262144,
          truncated: true,
        }),
      ],
    });
    const [command] = (await buildTranscript({ request, outcome })).commands;
    expect(command).toMatchObject({ binary: true, outputBytes: 262144, truncated: true });
    expect(command!.output).toMatch(/^binary output, 11 bytes; first 11 bytes: 7f 45 4c 46/);
  });

  it('fails when a command exits non-zero, and says which', async () => {
    const outcome = anOutcome({
      commands: [
        aRun(),
        aRun({ argv: ['ls', '/nope'], exitCode: 1, output: 'ls: /nope: No such file or directory\n' }),
      ],
    });
    const transcript = await buildTranscript({ request, outcome });
    expect(transcript.outcome).toBe('failed');
    expect(transcript.reason).toBe('Command 2 exited with code 1.');
    expect(transcript.commands[1]!.exitCode).toBe(1);
  });

  it('fails when a command lost its exit code', async () => {
    const { exitCode: _dropped, ...lost } = aRun();
    const transcript = await buildTranscript({ request, outcome: anOutcome({ commands: [lost] }) });
    expect(transcript).toMatchObject({ outcome: 'failed', reason: 'Command 1 did not report an exit code.' });
    expect(transcript.commands[0]).not.toHaveProperty('exitCode');
  });

  it('start_failed: failed, with the reason sanitised and redacted', async () => {
    const outcome = anOutcome({
      state: 'start_failed',
      commands: [],
      reason: `\u001B[31mErrImagePull\u001B[0m: pull access denied (credentials ${GITHUB_TOKEN})`,
    });
    const transcript = await buildTranscript({ request, outcome });
    expect(transcript).toMatchObject({
      outcome: 'failed',
      reason: 'ErrImagePull: pull access denied (credentials [REDACTED:github-token])',
      redactions: 1,
      commands: [],
    });
  });

  it('run_timeout: failed with partial output and a default reason', async () => {
    const outcome = anOutcome({
      state: 'run_timeout',
      commands: [
        aRun({
          argv: ['tcpdump', '-c', '1000'],
          exitCode: undefined,
          output: 'listening on eth0\n',
          truncated: true,
        }),
      ],
    });
    const transcript = await buildTranscript({ request, outcome });
    expect(transcript).toMatchObject({
      outcome: 'failed',
      reason: 'The commands were still running at the deadline; the output is partial.',
    });
    expect(transcript.commands[0]).toMatchObject({ output: 'listening on eth0\n', truncated: true });
  });

  it('cancelled stays cancelled', async () => {
    const transcript = await buildTranscript({
      request,
      outcome: anOutcome({ state: 'cancelled', reason: 'cancelled by @alice' }),
    });
    expect(transcript).toMatchObject({ outcome: 'cancelled', reason: 'cancelled by @alice' });
  });

  it('without an outcome: no commands, derived container name, failed with the failure text', async () => {
    const transcript = await buildTranscript({
      request,
      failure: 'pod checkout-7d9f not found (rescheduled?)',
      cluster: 'dev',
    });
    expect(transcript).toEqual({
      requestId: 'rtestrequest1',
      requester: request.requester,
      approvers: [],
      cluster: 'dev',
      namespace: 'shop',
      pod: 'checkout-7d9f',
      targetContainer: '',
      image: 'busybox:1.36',
      profile: 'general',
      containerName: deriveContainerName('rtestrequest1'),
      commands: [],
      outcome: 'failed',
      reason: 'pod checkout-7d9f not found (rescheduled?)',
      redactions: 0,
      ourContainersInPod: 0,
      notes: [EPHEMERAL_CONTAINER_NOTE],
    });
  });

  it('without an outcome or failure text: a default reason; workload targets shown kubectl-style', async () => {
    const deployment = aDebugRequest({
      target: { namespace: 'shop', kind: 'deployment', name: 'web', container: 'nginx' },
      profile: 'netadmin',
    });
    const transcript = await buildTranscript({ request: deployment });
    expect(transcript).toMatchObject({
      pod: 'deployment/web',
      targetContainer: 'nginx',
      profile: 'netadmin',
      outcome: 'failed',
      reason: 'The request failed before any command ran.',
    });
  });

  it('uses an empty container name when the request has no id', async () => {
    const transcript = await buildTranscript({
      request: aDebugRequest({ id: '' }),
      failure: 'invalid input',
    });
    expect(transcript.containerName).toBe('');
  });

  it('does not repeat the ephemeral-container note', async () => {
    const transcript = await buildTranscript({
      request,
      outcome: anOutcome({ notes: [EPHEMERAL_CONTAINER_NOTE] }),
    });
    expect(transcript.notes).toEqual([EPHEMERAL_CONTAINER_NOTE]);
  });
});
