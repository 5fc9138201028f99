import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type Agent, type IncomingMessage, request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface UploadResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Random bytes made a chunk at a time; `sha256()` is their digest once they have all been read. */
export function randomContent(totalBytes: number, chunkSize = 64 * 1024): { content: Readable; sha256(): string } {
  const hash = createHash('sha256');
  async function* chunks() {
    // Stryker disable next-line EqualityOperator: one more, empty, chunk adds no byte to the body or the digest
    for (let left = totalBytes; left > 0; left -= chunkSize) {
      const chunk = randomBytes(Math.min(chunkSize, left));
      hash.update(chunk);
      yield chunk;
    }
  }
  let digest: string | undefined;
  return { content: Readable.from(chunks()), sha256: () => (digest ??= hash.digest('hex')) };
}

/** The body of a one-file multipart/form-data request, streamed: the file is never buffered here either. */
async function* multipartBody(boundary: string, field: string, filename: string, content: AsyncIterable<Buffer>) {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  yield* content;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

export interface UploadOptions {
  field?: string;
  contentType?: string;
  /** Called with the request once it is sending: lets a test abort it mid-upload. */
  onRequest?: (destroy: () => void) => void;
  /** The connection pool to send through (Node's global agent, keep-alive, by default). */
  agent?: Agent;
}

/** POSTs `content` as a multipart upload with backpressure; resolves with the response, even an early one. */
export async function streamUpload(
  url: string,
  content: Readable,
  options: UploadOptions = {},
): Promise<UploadResponse> {
  const boundary = `----cookbook${randomBytes(8).toString('hex')}`;
  const req = request(url, {
    method: 'POST',
    agent: options.agent,
    headers: { 'content-type': options.contentType ?? `multipart/form-data; boundary=${boundary}` },
  });
  options.onRequest?.(() => req.destroy());
  const responded = once(req, 'response') as Promise<[IncomingMessage]>;
  // A server may answer (413) and close before the body is sent: then the send fails, the answer counts.
  const sending = pipeline(Readable.from(multipartBody(boundary, options.field ?? 'file', 'data.bin', content)), req);
  sending.catch(() => {});
  const [response] = await responded;
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
}
