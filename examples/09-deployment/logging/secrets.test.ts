import { describe, expect, it } from 'vitest';
import { CapturedLog } from '../test/captured-log.js';
import { createLogger, naiveLogger } from './logger.js';
import { naiveRequestLogging, requestLogging } from './request-logging.js';
import { loginApp, SECRETS, sendSecrets } from './test/login-app.js';

describe('secrets', () => {
  it('never reach the log: authorization, cookie, password and query-string token are absent', async () => {
    const log = new CapturedLog();
    await sendSecrets(loginApp(createLogger({ service: 'api', level: 'debug', stream: log }), requestLogging));
    expect(log.entries).toHaveLength(1);
    for (const secret of Object.values(SECRETS)) expect(log.raw).not.toContain(secret);
  });

  it('leak with the naive logger and its dump-the-request habit, under the same requests', async () => {
    const log = new CapturedLog();
    await sendSecrets(loginApp(naiveLogger(log), naiveRequestLogging));
    for (const secret of Object.values(SECRETS)) expect(log.raw).toContain(secret);
  });

  it('are masked even when passed to the logger by mistake, including a password inside a URL', () => {
    const log = new CapturedLog();
    const logger = createLogger({ service: 'api', level: 'info', stream: log });
    logger.info('connecting', {
      databaseUrl: 'postgres://app:pw-in-url-19@db:5432/app',
      headers: { Authorization: `Bearer ${SECRETS.bearer}` },
    });
    logger.error(new Error('login failed for postgres://app:pw-in-url-19@db'));
    expect(log.raw).not.toContain('pw-in-url-19');
    expect(log.raw).not.toContain(SECRETS.bearer);
    expect(log.entries[0]).toMatchObject({ databaseUrl: 'postgres://app:***@db:5432/app' });
  });

  it('masks all of a password that holds a raw "@", as the URL parser reads it, not up to its first "@"', () => {
    const log = new CapturedLog();
    createLogger({ service: 'api', level: 'info', stream: log }).info('connecting', {
      databaseUrl: 'postgres://app:p@ss-in-url-7@db:5432/app?sslmode=require',
      replica: 'postgres://app:other@replica/app and postgres://app:third@backup/app',
    });
    expect(log.raw).not.toContain('ss-in-url-7');
    expect(log.entries[0]).toMatchObject({
      databaseUrl: 'postgres://app:***@db:5432/app?sslmode=require',
      replica: 'postgres://app:***@replica/app and postgres://app:***@backup/app',
    });
  });
});
