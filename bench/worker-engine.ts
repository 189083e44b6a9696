/**
 * Worker benchmarks (issue 3): API calls per job, throughput, concurrency against slow starts, and
 * memory under large outputs. Fakes run in a child process; the worker runs here.
 */

import { spawn } from 'node:child_process';
import { loadConfig } from '../src/config/load-config.js';
import { deriveContainerName } from '../src/core/derive-ids.js';
import { createKubePodDebugger } from '../src/kube/create-kube-debugger.js';
import { createLogger } from '../src/main/create-logger.js';
import { aPod, startFakeKubeApi } from '../test/fakes/kube-apiserver/index.js';
import { siblingScript } from './sibling-script.js';
import { startBenchWorld } from './start-bench-worker.js';

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

export async function benchApiCalls(): Promise<void> {
  const kube = await startFakeKubeApi({ statusDelayMs: 0, startDelayMs: 0 }); // real processes: the wrapper's markers are real
  kube.addNamespace('bench');
  const config = loadConfig({
    role: 'worker',
    env: { SLACK_BOT_TOKEN: 'xoxb-x', CONFIG_FILE: 'config/default.yaml' },
  });
  const podDebugger = createKubePodDebugger({
    kubeConfigOptions: kube.kubeConfigOptions(),
    logger: createLogger('silent'),
  });
  const calls: number[] = [];
  for (let i = 0; i < 3; i++) {
    kube.addPod(aPod(`web-${i}`, 'bench'));
    kube.clearRequests();
    const id = `rcalls${i}`;
    await podDebugger.run(
      {
        request: {
          id,
          requester: { userId: 'U', teamId: 'T' },
          channelId: 'C',
          createdAt: new Date().toISOString(),
          target: { namespace: 'bench', kind: 'pod', name: `web-${i}` },
          image: 'busybox:1.36',
          commands: [
            ['ps', 'aux'],
            ['df', '-h'],
            ['cat', '/etc/resolv.conf'],
          ],
        },
        containerName: deriveContainerName(id),
        startDeadlineMs: 5000,
        runDeadlineMs: 5000,
        outputCapBytes: config.debug.outputCapBytes,
        maxContainersPerPod: 10,
        defaultProfile: 'general',
      },
      {},
    );
    calls.push(kube.requests.length);
    if (i === 0)
      console.log(
        `  first job (namespace not cached yet): ${kube.requests.map((r) => `${r.method} ${r.attributes.subresource || r.attributes.resource}`).join(', ')}`,
      );
  }
  await kube.close();
  console.log(
    `API calls per job (new container, 3 commands): first ${calls[0]}, then ${calls.slice(1).join(', ')} (goal ≤ 4; kubectl debug makes 4–5)`,
  );
}

export async function benchThroughput(): Promise<void> {
  const jobs = Number(process.env.BENCH_JOBS ?? 1000);
  const warm = await startBenchWorld({ pods: 50 }, 50, { preload: 50 });
  await warm.waitForCompleted(50).finally(() => warm.stop());
  const w = await startBenchWorld({ pods: jobs }, 50, { preload: jobs });
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await w.waitForCompleted(jobs);
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(c0);
    const cpuMsPerJob = (used.user + used.system) / 1000 / jobs;
    console.log(
      `throughput: ${jobs} queued jobs through one worker (concurrency 50, zero-latency fakes in another process): ${(jobs / seconds).toFixed(0)} jobs/s in ${seconds.toFixed(2)} s (goal ≥ 200 jobs/s); worker process CPU ${cpuMsPerJob.toFixed(2)} ms per job`,
    );
  } finally {
    await w.stop();
  }
}

export async function benchConcurrency(): Promise<void> {
  const jobs = Number(process.env.BENCH_SLOW_JOBS ?? 500);
  const w = await startBenchWorld({ pods: jobs, startDelayMs: 1000 }, 50);
  try {
    const started = performance.now();
    await w.enqueue(jobs);
    await w.waitForCompleted(jobs);
    const seconds = (performance.now() - started) / 1000;
    const ideal = (jobs / 50) * 1;
    console.log(
      `concurrency: ${jobs} jobs whose containers take 1 s to start, concurrency 50: ${seconds.toFixed(2)} s vs ideal ${ideal} s = ${(seconds / ideal).toFixed(2)}× (goal ≤ 1.2×)`,
    );
  } finally {
    await w.stop();
  }
}

/** Each size runs in a fresh process, so one run's retained heap never counts against the next. */
export async function benchMemory(): Promise<void> {
  for (const outputBytes of [5 * 1024 * 1024, 50 * 1024 * 1024]) {
    const child = spawn(process.execPath, [...siblingScript('run-all'), 'memory-one', String(outputBytes)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await new Promise((resolve) => child.on('exit', resolve));
  }
}

export async function benchMemoryOnce(outputBytes: number): Promise<void> {
  const w = await startBenchWorld({ pods: 50, outputBytes }, 50);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    await w.enqueue(50);
    await w.waitForCompleted(50);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `memory: 50 concurrent jobs × ${mb(outputBytes)} MB output each (cap ${mb(1024 * 1024)} MiB): worker RSS ${mb(baseline)} MB idle, ${mb(peak)} MB peak (goal ≤ 200 MB, flat as output grows)`,
    );
  } finally {
    clearInterval(timer);
    await w.stop();
  }
}
