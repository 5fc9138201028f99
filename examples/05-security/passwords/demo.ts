import { recipe } from '@cookbook/shared';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { createUsersTable } from '../users/schema.js';
import { insertUser } from '../users/users.js';
import { memoryOutbox } from './mailer.js';
import { createCredentialCheck, hashPassword, naiveCredentialCheck, naiveHashPassword } from './passwords.js';
import { createSignUp } from './sign-up.js';

export const passwordsDemo = recipe({
  services: ['postgres'],
  title: 'bcrypt, 72-byte limit, constant-time login',
  lookFor:
    'naive login answers unknown emails ~instantly (an oracle for who has an account), fixed takes the same time; sign-up mails instead of saying 409.',
  async run({ scratchDatabase, defer, log, smoke }) {
    const cost = smoke ? 10 : 12;
    const prefix = 'a'.repeat(72);
    const naiveHash = await naiveHashPassword(`${prefix}-mine`, cost);
    log(
      `naive: hash of 72 a's + "-mine" accepts 72 a's + "-yours": ${await bcrypt.compare(`${prefix}-yours`, naiveHash)}`,
    );
    await hashPassword(`${prefix}-mine`, cost).catch((error: Error) => log(`fixed: ${error.message}`));

    const pool = new pg.Pool({ connectionString: await scratchDatabase('security_passwords') });
    defer(() => pool.end());
    await createUsersTable(pool);
    await insertUser(pool, { email: 'timing@example.com', passwordHash: await hashPassword('right password', cost) });
    const samples = smoke ? 1 : 3;
    for (const [name, verify] of [
      ['naive', naiveCredentialCheck(pool)],
      ['fixed', createCredentialCheck(pool, cost)],
    ] as const) {
      await verify('warm@example.com', 'x'); // the fixed check builds its dummy hash on first use
      const time = async (email: string) => {
        const start = performance.now();
        for (let i = 0; i < samples; i++) await verify(email, 'wrong password');
        return (performance.now() - start) / samples;
      };
      const unknown = await time('nobody@example.com');
      const wrong = await time('timing@example.com');
      log(`${name}: unknown email ${unknown.toFixed(0)} ms, wrong password ${wrong.toFixed(0)} ms (cost ${cost})`);
    }

    const outbox = memoryOutbox();
    const signUp = createSignUp(pool, outbox, cost);
    await signUp({ email: 'timing@example.com', password: 'a strangers guess' });
    await signUp({ email: 'new@example.com', password: 'a strangers guess' });
    for (const { to, subject } of outbox.messages) log(`sign-up answered 202 alike; mail to ${to}: "${subject}"`);
  },
});
