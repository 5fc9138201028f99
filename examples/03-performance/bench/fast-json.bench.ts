// fast-json-stringify vs JSON.stringify, on the seed's single user and on a 100-user array.
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { Bench } from 'tinybench';
import { stringifyUser, stringifyUsers } from '../fast-json/fast-json.js';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser } from '../users/user.js';
import { opsPerSecond } from './stats.js';

const users = sampleUsers(100).map(toPublicUser);
const one = users[0] ?? { id: 1, name: 'x', email: 'x@example.com' };
const bench = new Bench({ time: 1000, warmup: true });
bench
  .add('one user: JSON.stringify', () => JSON.stringify(one))
  .add('one user: fast-json-stringify', () => stringifyUser(one))
  .add('100 users: JSON.stringify', () => JSON.stringify(users))
  .add('100 users: fast-json-stringify', () => stringifyUsers(users));
await bench.run();

const hz = (name: string) => opsPerSecond(bench, name);
const rows = ['one user', '100 users'].map((payload) => {
  const plain = hz(`${payload}: JSON.stringify`);
  const fast = hz(`${payload}: fast-json-stringify`);
  return [payload, plain, fast, ratio(fast, plain)];
});
reportBench(
  'fast-json',
  markdownTable(['payload', 'JSON.stringify ops/s', 'fast-json-stringify ops/s', 'speed-up'], rows, 0),
);
