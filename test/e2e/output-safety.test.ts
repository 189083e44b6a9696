import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aPod } from '../fakes/kube-apiserver/index.js';
import {
  CHANNEL,
  command,
  dumpRedisPrefix,
  jobSnapshot,
  requestIdOf,
  textOf,
  waitForJobState,
  waitForThread,
} from './e2e-helpers.js';
import { spawnWorker, type WorkerChild } from './spawn-worker.js';
import { type System, startSystem } from './start-system.js';

/**
 * Secrets the command PRINTS (the user's own argv is stored and shown as typed, so it only names a file).
 * Each value is what must never leave the bot unredacted.
 */
const SECRETS = {
  awsKey: 'AKIAZ7Q3K2M4N6P8R0T2',
  pemBody: 'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0',
  pemBody2: 'Kx4mZp9Qr7Vt2Ws5Yb8Nc3Hd6Jf1Lg4Mk0Pq7Rs2Tu5Vw8Xy1Za4Bc7De0Fg3Hi6Jk9Lm2No5Pq8',
  slackToken: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  password: 'hunter2-Sup3rS3cret',
  jwt: 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2lnbmF0dXJlLXBhcnQtMTIzNDU2Nzg5',
  bearer: 'abcdef0123456789abcdef0123456789zz',
};

const NASTY_OUTPUT = [
  'marker-start',
  'ping <!channel> and <!here> and <@U0ADMIN>',
  'see <http://evil.example/phish|Click to approve>',
  'fence ``` inside output ``` still inside',
  '\u001b[31mred-text\u001b[0m and \u001b]0;evil window title\u0007 after-osc',
  'progress 10%\rprogress 100%',
  `aws_access_key_id = ${SECRETS.awsKey}`,
  '-----BEGIN RSA PRIVATE KEY-----',
  SECRETS.pemBody,
  SECRETS.pemBody2,
  '-----END RSA PRIVATE KEY-----',
  `SLACK_TOKEN=${SECRETS.slackToken}`,
  `db password=${SECRETS.password}`,
  `token: ${SECRETS.jwt}`,
  `Authorization: Bearer ${SECRETS.bearer}`,
  'marker-end',
  '',
].join('\n');

/** Live Slack markup and terminal controls that must not be sent as such. */
const LIVE = [
  '<!channel>',
  '<!here>',
  '<@U0ADMIN>',
  '<http://evil',
  '\u001b',
  '\\u001b',
  '\u0007',
  '\\u0007',
];

describe('output safety end to end (rows 51, 53, 54, 55)', () => {
  let system: System;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'e2e-output-'));
    writeFileSync(join(dir, 'nasty.txt'), NASTY_OUTPUT);
    writeFileSync(join(dir, 'redos.txt'), `before-poc\n\u001b[${';'.repeat(100_000)}\nafter-poc\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let children: WorkerChild[] = [];
  afterEach(async () => {
    for (const child of children) await child.stop();
    children = [];
    await system?.stop();
  });

  async function start() {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
  }

  const FIVE_MB_COMMAND =
    "web-1 -n shop --image busybox:1.36 -- sh -c 'yes line-of-output-0123456789 | head -c 5000000'";

  /** Row 51's checks on the thread: a file in the root's thread (3-step upload), a preview inline. */
  async function expectOutputAsFile(requestId: string, maxBytes: number) {
    const thread = await waitForThread(
      system,
      (all) => /Debug transcript/.test(all) && /Done|Failed/.test(all) && system.slack.uploads.length > 0,
      15_000,
    );
    // files.getUploadURLExternal → upload → files.completeUploadExternal into the root's thread.
    expect(system.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(system.slack.callsTo('upload')).toHaveLength(1);
    const [complete] = system.slack.callsTo('files.completeUploadExternal');
    expect(complete?.args).toMatchObject({ channel_id: CHANNEL, thread_ts: thread.root.ts });
    const [upload] = system.slack.uploads;
    expect(upload).toMatchObject({ completed: true, channelId: CHANNEL, threadTs: thread.root.ts });
    const content = upload!.content!.toString('utf8');
    // The cap counts bytes as the API serves them, kubelet timestamps (~31 B a line) included.
    expect(content.length).toBeGreaterThan(Math.min(maxBytes, 5_000_000) / 4);
    expect(content.length).toBeLessThanOrEqual(maxBytes);
    expect(content.startsWith('line-of-output-0123456789\n')).toBe(true);
    expect(content).not.toMatch(/^\d{4}-\d\d-\d\dT/m); // no kubelet timestamps leak into the file
    // The file share sits in the thread next to the transcript.
    expect(thread.replies.some((m) => m.fileIds.includes(upload!.fileId))).toBe(true);

    const transcript = thread.replies.map(textOf).join('\n');
    expect(transcript).toMatch(/Showing the first \d+ and last \d+ of \d+ lines; the full output/);
    expect(transcript).toContain(`${requestId}-command-1.txt`);
    expect(transcript).toMatch(/line-of-output-0123456789/);
    // No message came anywhere near Slack's limits; nothing was refused (no msg_too_long).
    expect(system.slack.calls.filter((c) => c.error)).toEqual([]);
    for (const call of system.slack.callsTo('chat.postMessage'))
      expect(JSON.stringify(call.args).length).toBeLessThan(40_000);
    return { thread, transcript, content };
  }

  it('a 5 MB output (under a raised cap) goes to the thread as a file, with a head/tail preview inline', async () => {
    system = await startSystem({
      tweak: (c) => {
        c.debug.outputCapBytes = 32 * 1024 * 1024;
      },
    });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    const requestId = requestIdOf(await command(system, FIVE_MB_COMMAND));
    const { transcript, content } = await expectOutputAsFile(requestId, 5_000_000);
    expect(content.length).toBe(5_000_000);
    expect(transcript).toMatch(/the full output \(4\.8 MiB\)/);
    expect(transcript).not.toMatch(/truncated/);
    await waitForJobState(system, requestId, ['completed']);
  });

  // Regression: reaching the cap used to abort a keep-alive request whose response had already ended,
  // raising an AbortError on the pooled socket that killed the worker. The worker runs as a child
  // process here so a crash is observed instead of taking the test runner down.
  it('a 5 MB output is read up to the default cap, the cut is stated, and the worker survives (row 51)', async () => {
    system = await startSystem({ role: 'bot' });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    const worker = await spawnWorker(system);
    children.push(worker);
    const crashed = worker.exited.then(({ code, signal }) => {
      const why = /^\w*Error: .*$/m.exec(worker.stderr())?.[0] ?? worker.stderr().slice(-600);
      throw new Error(`the worker process died (${code ?? signal}): ${why}`);
    });
    const cap = system.config.debug.outputCapBytes;
    const requestId = requestIdOf(await command(system, FIVE_MB_COMMAND));
    const { transcript } = await Promise.race([expectOutputAsFile(requestId, cap), crashed]);
    expect(transcript).toMatch(/Output truncated at [\d.]+ (KiB|MiB): the rest was not read/);
    expect(worker.hasExited).toBe(false);
  });

  it('mentions, links, control sequences and secrets in the output are neutralised everywhere', async () => {
    await start();
    const ack = await command(system, `web-1 -n shop --image busybox:1.36 -- cat ${join(dir, 'nasty.txt')}`);
    const requestId = requestIdOf(ack);
    const thread = await waitForThread(system, (all) => /marker-end/.test(all) && /Done/.test(all));
    const job = await waitForJobState(system, requestId, ['completed']);

    const sent = system.slack.everythingSent();
    for (const live of LIVE) expect(sent, `sent ${JSON.stringify(live)}`).not.toContain(live);
    for (const [name, secret] of Object.entries(SECRETS))
      expect(sent, `Slack got the ${name}`).not.toContain(secret);
    // Escaped, still readable.
    expect(sent).toContain('&lt;!channel&gt;');
    expect(sent).toContain('&lt;@U0ADMIN&gt;');
    expect(sent).toContain('red-text');
    expect(sent).toContain('after-osc');
    expect(sent).not.toContain('evil window title');
    expect(sent).not.toContain('progress 10%');
    expect(sent).toContain('progress 100%');
    expect(sent).toContain('[REDACTED:aws-key]');

    const transcript = thread.replies.map(textOf).join('\n');
    const redacted = /:lock: (\d+) secrets were redacted from the output/.exec(transcript);
    expect(redacted, 'transcript states how many secrets were redacted').not.toBeNull();
    expect(Number(redacted![1])).toBeGreaterThanOrEqual(6);

    // The code fence around the output is intact: the output's ``` cannot close it.
    const outputBlock = thread.replies
      .flatMap((m) => (m.blocks ?? []) as Array<{ text?: { text?: string } }>)
      .map((b) => b.text?.text ?? '')
      .find((t) => t.includes('marker-start'));
    expect(outputBlock?.startsWith('```\n')).toBe(true);
    expect(outputBlock?.endsWith('\n```')).toBe(true);
    expect(outputBlock?.match(/```/g)).toHaveLength(2);

    // Nothing secret in Redis: the job's data and result, and every other key under the prefix.
    expect(job.data).toMatchObject({ request: { commands: [['cat', join(dir, 'nasty.txt')]] } });
    expect(job.returnvalue).toMatchObject({ status: 'succeeded' });
    const stored = `${JSON.stringify(await jobSnapshot(system, requestId))}\n${await dumpRedisPrefix(system.prefix)}`;
    for (const [name, secret] of Object.entries(SECRETS))
      expect(stored, `Redis holds the ${name}`).not.toContain(secret);
    expect(stored).not.toContain('<!channel>');
    // …nor in the logs.
    const logged = JSON.stringify(system.logs);
    for (const [name, secret] of Object.entries(SECRETS))
      expect(logged, `the log holds the ${name}`).not.toContain(secret);
  });

  it('an escape-sequence ReDoS payload is stripped quickly and the rest of the output survives', async () => {
    await start();
    const started = Date.now();
    await command(system, `web-1 -n shop --image busybox:1.36 -- cat ${join(dir, 'redos.txt')}`);
    const thread = await waitForThread(system, (all) => /after-poc/.test(all) && /Done/.test(all));
    expect(Date.now() - started).toBeLessThan(5000);
    const transcript = thread.replies.map(textOf).join('\n');
    expect(transcript).toMatch(/before-poc/);
    expect(transcript).toMatch(/after-poc/);
    const sent = system.slack.everythingSent();
    for (const live of LIVE) expect(sent).not.toContain(live);
    // Whatever is shown of the 100 KB sequence and its parameters fits in messages Slack accepts.
    expect(system.slack.calls.filter((c) => c.error)).toEqual([]);
  });
});
