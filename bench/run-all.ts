/** `npm run bench [ack|calls|throughput|concurrency|memory]`: every benchmark, each printing ratios measured within one run. */
import { benchAckLatency } from './ack-latency.js';
import { benchApiCalls, benchConcurrency, benchMemory, benchThroughput } from './worker-engine.js';

const only = process.argv[2];
const benches: Record<string, () => Promise<unknown>> = {
  ack: benchAckLatency,
  calls: benchApiCalls,
  throughput: benchThroughput,
  concurrency: benchConcurrency,
  memory: benchMemory,
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name}`);
  await run();
}
process.exit(0);
