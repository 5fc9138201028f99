import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { createApp } from './app.js';

/** What every demo gets from main.ts: its own schema's pool and its own Redis key prefix. */
export interface DemoContext {
  pool: Pool;
  redis: Redis;
  redisPrefix: string;
  smoke: boolean;
}

export const DEMO_ORIGIN = 'https://app.example.com';
export const DEMO_SECRET = 'demo-only-secret-0123456789abcdef-0123';

/** The hardened API with demo settings: cost 10 keeps the demo quick, limits stay the real ones. */
export function demoApp(ctx: DemoContext): Express {
  return createApp({ pool: ctx.pool, jwtSecret: DEMO_SECRET, corsOrigins: [DEMO_ORIGIN], bcryptCost: 10 });
}

/** Listens on a free port, runs `work` against the URL, and always closes. */
export async function withServer<T>(app: Express, work: (url: string) => Promise<T>): Promise<T> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    return await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeIdleConnections();
    });
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export async function send(
  url: string,
  init: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers = { ...init.headers };
  let body = init.body ?? null;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, { method: init.method ?? (body === null ? 'GET' : 'POST'), headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** `POST /api/register → 400 {"error":...}`, trimmed to one readable line. */
export function show(label: string, answer: Answer): void {
  const text = answer.text.length > 140 ? `${answer.text.slice(0, 140)}…` : answer.text;
  console.log(`${label.padEnd(44)} → ${answer.status} ${text}`);
}
