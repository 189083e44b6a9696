/**
 * A worker as its own process, for tests that must kill one (TEST-MATRIX row 31) or that would crash it:
 * `node --import tsx test/e2e/worker-process.ts` with `E2E_WORKER` = JSON of {@link WorkerProcessSpec}.
 * Prints `ready` on stdout once the BullMQ worker runs; SIGTERM stops it cleanly (exit 0).
 * Warnings and errors go to stderr as JSON lines.
 */
import type { AppConfig } from '../../src/config/load-config.js';
import type { Logger } from '../../src/core/ports.js';
import { startApp } from '../../src/main/start-app.js';
import type { KubeConfigOptionsShape } from '../fakes/kube-apiserver/index.js';

export interface WorkerProcessSpec {
  config: AppConfig;
  kube: KubeConfigOptionsShape;
  slackBotId: string;
  slackBotUserId: string;
}

function stderrLogger(bindings: object = {}): Logger {
  const write = (level: string) => (meta: object, msg: string) => {
    let line: string;
    try {
      line = JSON.stringify({ level, msg, ...bindings, ...meta });
    } catch {
      line = JSON.stringify({ level, msg });
    }
    process.stderr.write(`${line}\n`);
  };
  const quiet = () => undefined;
  return {
    debug: quiet,
    info: quiet,
    warn: write('warn'),
    error: write('error'),
    child: (more) => stderrLogger({ ...bindings, ...more }),
  };
}

const spec = JSON.parse(process.env.E2E_WORKER ?? '{}') as WorkerProcessSpec;
const app = await startApp(
  { ...spec.config, role: 'worker' },
  {
    logger: stderrLogger({ pid: process.pid }),
    kube: { kubeConfigOptions: spec.kube },
    slackRetryConfig: { retries: 0 },
    slackBotId: spec.slackBotId,
    slackBotUserId: spec.slackBotUserId,
    notifierUpdateIntervalMs: 20,
  },
);
process.once('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
process.stdout.write('ready\n');
