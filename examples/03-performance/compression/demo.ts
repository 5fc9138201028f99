import { get } from 'node:http';
import { recipe, withServer } from '@cookbook/shared';
import { createUsersApp } from './compression.js';

/** The bytes on the wire: fetch would decompress them and hide what is being shown. */
function bytesOnTheWire(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let total = 0;
      res.on('data', (chunk: Buffer) => (total += chunk.length)).on('end', () => resolve(total));
    }).on('error', reject);
  });
}

export const compressionDemo = recipe({
  services: [],
  title: 'GET /users (1000 users) with and without gzip',
  lookFor: 'about 8x fewer bytes; `pnpm bench performance` shows what it costs in requests/s.',
  async run({ log }) {
    for (const compress of [false, true]) {
      const bytes = await withServer(createUsersApp({ compress }), (url) => bytesOnTheWire(`${url}/users`));
      log(`${compress ? 'gzip' : 'none'}  ${bytes.toLocaleString('en-US').padStart(7)} bytes on the wire`);
    }
  },
});
