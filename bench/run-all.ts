/** `npm run bench`: every benchmark, each printing ratios measured within one run. */
import { benchAckLatency } from './ack-latency.js';

const only = process.argv[2];
if (!only || only === 'ack') await benchAckLatency();
process.exit(0);
