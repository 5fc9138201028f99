import { randomBytes } from 'node:crypto';
import { recipe, withServer } from '@cookbook/shared';
import pg from 'pg';
import { createApp } from '../app/app.js';
import { memoryOutbox } from '../passwords/mailer.js';
import { createUsersTable } from '../users/schema.js';

export const validationDemo = recipe({
  services: ['postgres'],
  title: 'Joi schemas, every field named, never a 500',
  lookFor: '400 every time, every bad field named, never a 500.',
  async run({ scratchDatabase, defer, log }) {
    const pool = new pg.Pool({ connectionString: await scratchDatabase('security_validation') });
    defer(() => pool.end());
    await createUsersTable(pool);
    const app = createApp({
      pool,
      mailer: memoryOutbox(),
      jwtSecret: randomBytes(32).toString('hex'),
      corsOrigins: [],
      bcryptCost: 10,
    });
    await withServer(app, async (url) => {
      const post = async (label: string, body: string, contentType = 'application/json') => {
        const res = await fetch(`${url}/api/register`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        log(`${label.padEnd(28)} → ${res.status} ${(await res.text()).slice(0, 140)}`);
      };
      await post('three bad fields', JSON.stringify({ email: 'nope', password: 'short', age: 7 }));
      await post('age as a string', JSON.stringify({ email: 'a@example.com', password: 'password1', age: '30' }));
      await post('not JSON', 'hello', 'text/plain');
      await post('broken JSON', '{"email":');
      await post('80-byte password (40 × é)', JSON.stringify({ email: 'a@example.com', password: 'é'.repeat(40) }));
    });
  },
});
