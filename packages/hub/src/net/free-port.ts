import { createServer } from 'node:net';

/**
 * A loopback port that is free right now (the OS picks it), for a child process to listen on:
 * a deployed app, or a PostgreSQL / Redis server a test starts. Another process could take it
 * before the child binds; callers that start servers retry on a bind failure.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
