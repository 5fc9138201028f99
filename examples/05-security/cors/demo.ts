import { recipe, withServer } from '@cookbook/shared';
import express from 'express';
import { corsPolicy, openCors } from './cors.js';

const APP_ORIGIN = 'https://app.example.com';

export const corsDemo = recipe({
  services: [],
  title: 'an allow-list with credentials',
  lookFor: 'the allow-list answers only its own origin; cors() answers * to everyone.',
  async run({ log }) {
    for (const [name, policy] of [
      ['allow-list', corsPolicy([APP_ORIGIN])],
      ["Q&A's cors()", openCors()],
    ] as const) {
      const app = express()
        .use(policy)
        .get('/me', (_req, res) => void res.json({ ok: true }));
      await withServer(app, async (url) => {
        for (const origin of [APP_ORIGIN, 'https://evil.example.net']) {
          const allowed = (await fetch(`${url}/me`, { headers: { origin } })).headers.get(
            'access-control-allow-origin',
          );
          log(`${name.padEnd(14)} Origin ${origin.padEnd(26)} → Allow-Origin ${allowed ?? '(none)'}`);
        }
      });
    }
  },
});
