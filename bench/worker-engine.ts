/**
 * Worker benchmarks (issue 3): API calls per job, throughput, concurrency against slow starts, and
 * memory under large outputs. The fakes run in one child process and the worker in another (the real
 * composition root, nothing else), so the worker's CPU and RSS are read from /proc for that process
 * alone; this process only enqueues and polls. benchApiCalls runs the kube engine in this process.
 */

import { availableParallelism } from 'node:os';
import { loadConfig } from '../src/config/load-config.js';
import { deriveContainerName } from '../src/core/derive-ids.js';
import { createKubePodDebugger } from '../src/kube/create-kube-debugger.js';
import { createLogger } from '../src/main/create-logger.js';
import { aPod, startFakeKubeApi } from '../test/fakes/kube-apiserver/index.js';
import { type BenchWorld, cpuSeconds, memoryOf, startBenchWorld } from './start-bench-worker.js';

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** The configuration the worker child loads (config/default.yaml). */
function benchConfig() {
  return loadConfig({
    role: 'worker',
    env: { SLACK_BOT_TOKEN: 'xoxb-x', CONFIG_FILE: 'config/default.yaml' },
  });
}

/** How the worker child's node was started, when not plainly. */
function nodeFlagsNote(w: BenchWorld): string {
  const flags = [...w.workerNodeFlags, ...(process.env.NODE_OPTIONS ? [process.env.NODE_OPTIONS] : [])];
  return flags.length ? ` [worker node flags: ${flags.join(' ')}]` : '';
}

export async function benchApiCalls(): Promise<void> {
  const kube = await startFakeKubeApi({ statusDelayMs: 0, startDelayMs: 0 }); // real processes: the wrapper's markers are real
  kube.addNamespace('bench');
  const config = benchConfig();
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
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const warmJobs = 300;
  // Warm-up in the same worker process (JIT tiers, connections, keep-alive pools, heap at its working
  // size): 300 jobs queued before it starts; fewer leave the first round measuring a half-warm worker. Then each round enqueues its jobs at once and the clock runs until the last completes. Several
  // rounds, because this shared 2-core machine's speed drifts by a quarter from one minute to the next:
  // the median is the figure, every round is printed.
  const w = await startBenchWorld({ pods: warmJobs + jobs * rounds }, 50, { preload: warmJobs });
  try {
    await w.waitForCompleted(warmJobs);
    const rates: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const rate = await measureRound(w, jobs, warmJobs + jobs * round, round);
      rates.push(rate);
    }
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `throughput: median ${median.toFixed(0)} jobs/s over ${rounds} rounds of ${jobs} jobs (${rates.map((r) => r.toFixed(0)).join(', ')}) (goal ≥ 200 jobs/s)${nodeFlagsNote(w)}`,
    );
  } finally {
    await w.stop();
  }
}

async function measureRound(
  w: BenchWorld,
  jobs: number,
  completedAfter: number,
  round: number,
): Promise<number> {
  const cpu = () => ({
    worker: cpuSeconds(w.workerPid),
    fakes: cpuSeconds(w.fakesPid),
    redis: w.redisPid === undefined ? undefined : cpuSeconds(w.redisPid),
    bench: process.cpuUsage(),
  });
  const before = cpu();
  const t0 = performance.now();
  await w.enqueue(jobs);
  const enqueueMs = performance.now() - t0;
  await w.waitForCompleted(completedAfter);
  const seconds = (performance.now() - t0) / 1000;
  const after = cpu();
  const perJob = (cpuSecondsUsed: number) => (cpuSecondsUsed * 1000) / jobs;
  const bench = process.cpuUsage(before.bench);
  const shares = {
    worker: perJob(after.worker - before.worker),
    fakes: perJob(after.fakes - before.fakes),
    redis:
      after.redis === undefined || before.redis === undefined
        ? undefined
        : perJob(after.redis - before.redis),
    bench: perJob((bench.user + bench.system) / 1e6),
  };
  const cores = availableParallelism();
  const total = shares.worker + shares.fakes + (shares.redis ?? 0) + shares.bench;
  console.log(
    `  round ${round}: ${jobs} jobs through one worker process (concurrency 50, zero-latency fakes in another process; all enqueued at once, in ${enqueueMs.toFixed(0)} ms): ${(jobs / seconds).toFixed(0)} jobs/s in ${seconds.toFixed(2)} s`,
  );
  console.log(
    `    CPU per job: worker process ${shares.worker.toFixed(2)} ms, fakes ${shares.fakes.toFixed(2)} ms, redis-server ${shares.redis === undefined ? 'n/a (not visible in /proc)' : `${shares.redis.toFixed(2)} ms`}, bench process (enqueue + polling) ${shares.bench.toFixed(2)} ms; together ${total.toFixed(2)} of the ${((cores * seconds * 1000) / jobs).toFixed(2)} ms available (${cores} cores × ${seconds.toFixed(2)} s / ${jobs} jobs)`,
  );
  return jobs / seconds;
}

export async function benchConcurrency(): Promise<void> {
  const jobs = Number(process.env.BENCH_SLOW_JOBS ?? 500);
  // Two waves of warm-up (JIT, connections) queued before the worker starts, as a worker in service is warm.
  const warmJobs = 100;
  const w = await startBenchWorld({ pods: warmJobs + jobs, startDelayMs: 1000 }, 50, { preload: warmJobs });
  try {
    await w.waitForCompleted(warmJobs);
    const cpuBefore = cpuSeconds(w.workerPid);
    const started = performance.now();
    await w.enqueue(jobs);
    await w.waitForCompleted(warmJobs + jobs);
    const seconds = (performance.now() - started) / 1000;
    const ideal = (jobs / 50) * 1;
    const cpuMs = ((cpuSeconds(w.workerPid) - cpuBefore) * 1000) / jobs;
    console.log(
      `concurrency: ${jobs} jobs whose containers take 1 s to start, concurrency 50: ${seconds.toFixed(2)} s vs ideal ${ideal} s = ${(seconds / ideal).toFixed(2)}× (goal ≤ 1.2×); worker CPU ${cpuMs.toFixed(2)} ms per job${nodeFlagsNote(w)}`,
    );
  } finally {
    await w.stop();
  }
}

/** Each size gets fresh fakes and a fresh worker process, so one run's retained heap never counts against the next. */
export async function benchMemory(): Promise<void> {
  for (const outputBytes of [5 * 1024 * 1024, 50 * 1024 * 1024]) await benchMemoryOnce(outputBytes);
}

export async function benchMemoryOnce(outputBytes: number): Promise<void> {
  const cap = benchConfig().debug.outputCapBytes;
  const w = await startBenchWorld({ pods: 50, outputBytes }, 50);
  try {
    const idle = memoryOf(w.workerPid).rss;
    let sampled = idle;
    const timer = setInterval(() => {
      try {
        sampled = Math.max(sampled, memoryOf(w.workerPid).rss);
      } catch {
        // the worker exited: waitForCompleted reports it
      }
    }, 10);
    try {
      await w.enqueue(50);
      await w.waitForCompleted(50);
    } finally {
      clearInterval(timer);
    }
    const { rss, peakRss } = memoryOf(w.workerPid);
    sampled = Math.max(sampled, rss);
    console.log(
      `memory: 50 concurrent jobs × ${mb(outputBytes)} MB output each (cap ${mb(cap)} MiB): worker process RSS ${mb(idle)} MB idle, ${mb(peakRss)} MB peak (VmHWM; ${mb(sampled)} MB highest 10 ms sample) (goal ≤ 200 MB, flat as output grows)${nodeFlagsNote(w)}`,
    );
  } finally {
    await w.stop();
  }
}
