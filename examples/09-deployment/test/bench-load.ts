// The load generator of this package's HTTP benches, in a process of its own:
// `bench-load.ts <url> <path> <requests> <concurrency>`. A bounded loop of keep-alive node:http GETs;
// prints one JSON line: requests/s, and the server's CPU per request read from its `/cpu` route.
import http from 'node:http';

const [url = '', path = '/', total = '5000', concurrency = '16'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });

function get(target: string, expected = 200): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}${target}`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          res.statusCode === expected ? resolve(body) : reject(new Error(`${target}: status ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

async function serverCpuMicros(): Promise<number> {
  const { user, system } = JSON.parse(await get('/cpu')) as NodeJS.CpuUsage;
  return user + system;
}

async function run(count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < count) await get(path);
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  return (performance.now() - started) / 1000;
}

await run(Math.ceil(Number(total) / 5)); // warm-up: JIT, sockets, the tracing SDK's first batches
const cpuBefore = await serverCpuMicros();
const seconds = await run(Number(total));
const cpuMicrosPerRequest = ((await serverCpuMicros()) - cpuBefore) / Number(total);
console.log(JSON.stringify({ requestsPerSecond: Number(total) / seconds, cpuMicrosPerRequest }));
agent.destroy();
