import { recipe } from '@cookbook/shared';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser } from '../users/user.js';
import { naiveStringifyUsers, stringifyUsers } from './fast-json.js';

export const fastJsonDemo = recipe({
  services: [],
  title: 'the seed schema vs an array schema on 100 users',
  lookFor: 'the seed answers {} for a list; the schema drops fields it does not name.',
  async run({ log }) {
    const users = sampleUsers(100);
    log(`seed (object schema): ${naiveStringifyUsers(users.map(toPublicUser))}`);
    const fixed = stringifyUsers(users);
    log(`array schema:         ${fixed.slice(0, 70)}… (${fixed.length} chars)`);
    const leaks = (json: string) => json.includes('passwordHash');
    log(
      `passwordHash in output? fast-json-stringify: ${leaks(fixed)}, JSON.stringify: ${leaks(JSON.stringify(users))}`,
    );
  },
});
