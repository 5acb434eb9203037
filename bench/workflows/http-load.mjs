// A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next
// request as soon as the previous answer arrived, for a fixed time. Returns executions/s and
// latency percentiles.
import http from 'node:http';

export async function load(url, body, { concurrency, seconds, warmupSeconds, check }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const send = () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (response) => {
          const chunks = [];
          response.on('data', (c) => chunks.push(c));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (response.statusCode !== 200 || (check && !check(text))) reject(new Error(`unexpected answer ${response.statusCode}: ${text.slice(0, 200)}`));
            else resolve(performance.now() - started);
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });

  const run = async (durationMs, latencies) => {
    const end = performance.now() + durationMs;
    let count = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const ms = await send();
          count++;
          latencies?.push(ms);
        }
      }),
    );
    return count;
  };

  await run(warmupSeconds * 1000);
  const latencies = [];
  const started = performance.now();
  const count = await run(seconds * 1000, latencies);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { perSecond: count / elapsed, count, p50: pct(50), p99: pct(99) };
}
