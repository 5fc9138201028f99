// The load generator, in a process of its own: `load.ts <url> <requests> <concurrency>`.
// A bounded loop of keep-alive node:http GETs over distinct order ids; prints one JSON line.
import http from 'node:http';

const [url = '', total = '10000', concurrency = '16'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const get = (path: string) =>
  new Promise<string>((resolve, reject) => {
    http
      .get(`${url}${path}`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
      })
      .on('error', reject);
  });
const serverCpuMicros = async () => {
  const { user, system } = JSON.parse(await get('/cpu')) as NodeJS.CpuUsage;
  return user + system;
};

async function run(count: number): Promise<{ seconds: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const id = next++;
      const at = performance.now();
      await get(`/orders/${id}`);
      latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

await run(Math.ceil(Number(total) / 5)); // warm-up: JIT, sockets, the SDK's first batches
const cpuBefore = await serverCpuMicros();
const { seconds, latencies } = await run(Number(total));
const cpuMicrosPerRequest = ((await serverCpuMicros()) - cpuBefore) / Number(total);
latencies.sort((a, b) => a - b);
const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN;
console.log(JSON.stringify({ requestsPerSecond: Number(total) / seconds, p99Ms: p99, cpuMicrosPerRequest }));
agent.destroy();
