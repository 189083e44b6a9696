/**
 * The fake Kubernetes API server and fake Slack Web API for worker benchmarks, in their own process so
 * the worker's CPU and memory can be measured alone. Argument: JSON
 * `{ pods, statusDelayMs, startDelayMs, outputBytes, lineBytes }`. Prints the connection details; exits on
 * SIGTERM or when stdin closes.
 */
import { aPod, startFakeKubeApi } from '../test/fakes/kube-apiserver/index.js';
import { startFakeSlack } from '../test/fakes/slack-api/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  pods: number;
  statusDelayMs?: number;
  startDelayMs?: number;
  outputBytes?: number;
  lineBytes?: number;
};
const outputBytes = options.outputBytes ?? 3;
const lineBytes = options.lineBytes ?? 64 * 1024;

async function* generate(total: number): AsyncIterable<Buffer> {
  const line = Buffer.alloc(lineBytes, 'x');
  line[lineBytes - 1] = 10;
  let sent = 0;
  while (sent < total) {
    const n = Math.min(lineBytes, total - sent);
    yield n === lineBytes ? line : Buffer.concat([line.subarray(0, n - 1), Buffer.from('\n')]);
    sent += n;
  }
}

const kube = await startFakeKubeApi({
  statusDelayMs: options.statusDelayMs ?? 0,
  startDelayMs: options.startDelayMs ?? 0,
  runtime: () => ({ output: outputBytes <= 64 ? 'ok\n' : generate(outputBytes), exitCode: 0 }),
});
kube.addNamespace('bench');
for (let i = 0; i < options.pods; i++) kube.addPod(aPod(`web-${i}`, 'bench'));
const slack = await startFakeSlack();
console.log(
  JSON.stringify({
    kube: kube.kubeConfigOptions(),
    slack: {
      url: slack.url,
      token: slack.token,
      botId: slack.identity.botId,
      botUserId: slack.identity.botUserId,
    },
  }),
);
process.on('SIGTERM', () => process.exit(0));
// The bench process keeps stdin open; when it goes away, so do the fakes.
process.stdin.once('end', () => process.exit(0)).resume();
