// The load generator's own process, so it can run on a CPU of its own: `node load-generator.ts
// '<autocannon options as JSON>'` prints the LoadResult as JSON. Plain erasable TypeScript, so Node
// runs it without a loader (a shorter start, nothing else on the pinned CPU).
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}') as autocannon.Options;
// One second of warm-up, not counted: the JIT and the connections settle before the clock starts.
await autocannon({ ...options, duration: 1 });
const result = await autocannon(options);
const total = result.requests.total || 1;
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    bytesPerResponse: result.throughput.total / total,
  }),
);
