import { recipe, withServer } from '@cookbook/shared';
import express from 'express';
import { securityHeaders } from './headers.js';

export const headersDemo = recipe({
  services: [],
  title: 'helmet with the CSP',
  lookFor: "the Q&A's CSP inside helmet's defaults, and no X-Powered-By (a bare Express app sends it).",
  async run({ log }) {
    for (const [name, app] of [
      ['bare Express', express()],
      ['securityHeaders()', express().use(securityHeaders())],
    ] as const) {
      app.get('/ping', (_req, res) => void res.json({ ok: true }));
      const res = await withServer(app, (url) => fetch(`${url}/ping`));
      log(`${name}:`);
      for (const header of [
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
        'x-powered-by',
      ]) {
        log(`  ${header.padEnd(28)} ${res.headers.get(header) ?? '(absent)'}`);
      }
    }
  },
});
