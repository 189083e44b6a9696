/**
 * V8 heap settings every long-running bot process starts with: `npm start`, the Docker image's
 * ENTRYPOINT and the benchmarks' worker all use exactly these (a unit test holds them together).
 *
 * Node's defaults let a busy process grow its young generation to 3 × 16 MB and its old generation by
 * up to ×4 per step past the live set. A worker's garbage is short-lived per-job data (HTTP and Redis
 * buffers, Slack payloads, parsed pods), so smaller semi-spaces and slower old-generation growth keep it
 * within ~200 MB RSS under 50 concurrent large outputs at the throughput goal (README, Benchmarks).
 * There is deliberately no hard heap cap (`--max-old-space-size`): a larger live set grows the heap a
 * little more often instead of crashing the worker. `--heap-growing-percent` is not allowed in
 * NODE_OPTIONS, so these go on the command line.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=20'];
