import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One item of an envelope: `{ type: 'event' }` and its payload, e.g. an error event. */
export interface EnvelopeItem {
  header: { type: string; [key: string]: unknown };
  payload: Record<string, unknown>;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The bytes as received (after gunzip), to search for anything that should never leave. */
  raw: string;
  /** True when the sender hung up before the receiver answered: it exited without waiting. */
  abandoned: boolean;
}

export interface EnvelopeReceiver {
  /** A DSN pointing at this receiver, for `SENTRY_DSN`. */
  dsn: string;
  envelopes: Envelope[];
  /** Error events (items of type `event`) in arrival order. */
  events(): Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Sentry's ingest endpoint on loopback: accepts `POST /api/<project>/envelope/`, gunzips, splits the
 * newline-delimited envelope. `holdMs` delays each answer, to see whether the sender waits for it.
 */
export async function startEnvelopeReceiver({ holdMs = 0 } = {}): Promise<EnvelopeReceiver> {
  const envelopes: Envelope[] = [];
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const envelope = { ...parseEnvelope(raw), abandoned: false };
    envelopes.push(envelope);
    res.on('close', () => {
      if (!res.writableFinished) envelope.abandoned = true;
    });
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), holdMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    events: () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload)),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}

/** Header line, then per item a header line and a payload (of `length` bytes when the header says). */
export function parseEnvelope(raw: string): Omit<Envelope, 'abandoned'> {
  const lines = raw.split('\n');
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const itemHeader = JSON.parse(lines[i] as string) as EnvelopeItem['header'];
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(lines[i + 1] as string) as Record<string, unknown>;
    } catch {
      // An attachment or other non-JSON payload: kept in `raw` only.
    }
    items.push({ header: itemHeader, payload });
  }
  return { header, items, raw };
}
