import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as it arrived over OTLP/HTTP JSON, flattened: ids in hex, times in ms, kind as the API numbers it. */
export interface ReceivedSpan {
  service: string;
  name: string;
  /** SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** For `OTEL_EXPORTER_OTLP_ENDPOINT`; the exporter appends `/v1/traces`. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests, to show what the exporter spoke. */
  contentTypes: string[];
  /** The first span, received or still to come, that `match` accepts; fails after `timeoutMs`. */
  waitForSpan(match: (span: ReceivedSpan) => boolean, timeoutMs?: number): Promise<ReceivedSpan>;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

// #region otlp-receiver
/**
 * The smallest OTLP/HTTP traces endpoint: `POST /v1/traces` with a JSON body (what
 * @opentelemetry/exporter-trace-otlp-http sends), decoded into flat spans. For tests and a local
 * look at your spans without a collector; point a real backend (Jaeger, Tempo) at the same URL.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const arrivals = new EventEmitter();
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    contentTypes.push(String(req.headers['content-type']));
    try {
      spans.push(...decodeExport(JSON.parse(await readBody(req)) as OtlpExport));
      arrivals.emit('spans');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    waitForSpan: (match, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = spans.find(match);
          if (!found) return;
          clearTimeout(timer);
          arrivals.off('spans', check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          arrivals.off('spans', check);
          reject(new Error(`no matching span arrived within ${timeoutMs} ms (${spans.length} spans so far)`));
        }, timeoutMs);
        arrivals.on('spans', check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function decodeExport(body: OtlpExport): ReceivedSpan[] {
  // Stryker disable next-line ArrayDeclaration: an element that is not an object holds no spans, so it decodes to none as an empty list does
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
    // Stryker disable next-line ArrayDeclaration: as above, a scope that is not an object decodes to no spans
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        name: span.name,
        kind: span.kind - 1, // OTLP counts from SPAN_KIND_UNSPECIFIED = 0
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        startMs: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
        endMs: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
        attributes: attributesOf(span.attributes),
      })),
    );
  });
}
// #endregion otlp-receiver

function attributesOf(list: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue)),
    ]),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}
