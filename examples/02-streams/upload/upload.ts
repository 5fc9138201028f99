import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import busboy from 'busboy';
import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import type { FileStore, SavedFile } from './storage.js';

/** A client mistake, answered with `status` and a JSON body naming the offending `field`. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadedFile extends SavedFile {
  filename: string;
}

export interface UploadLimits {
  /** A bigger file is answered 413 and discarded. */
  maxFileBytes: number;
  /** A body that stops arriving for this long is answered 408 and discarded (default 30 s). */
  idleMs?: number;
  /** After refusing an upload mid-body, how long to keep reading (and discarding) before closing (2 s). */
  lingerMs?: number;
}

// #region receive-file
/**
 * Parses multipart/form-data as it arrives and streams the part named `file` straight into the
 * store. At most one chunk of the body is in memory at a time, whatever the file size.
 */
export function receiveFile(req: IncomingMessage, store: FileStore, limits: UploadLimits): Promise<UploadedFile> {
  const { maxFileBytes, idleMs = 30_000 } = limits;
  // Without either header HTTP says the body is empty: name the header rather than "malformed multipart".
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    return Promise.reject(new UploadError(411, 'content-length', 'send Content-Length or Transfer-Encoding: chunked'));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, files: 1, fields: 20 } });
  } catch {
    return Promise.reject(new UploadError(400, 'content-type', 'expected a multipart/form-data body'));
  }
  return new Promise<UploadedFile>((resolve, reject) => {
    let saving: Promise<UploadedFile> | undefined;
    // The store keeps a file once its stream ends, so the file part reaches it through `content`,
    // which ends only when the whole form has parsed: a form broken after its file leaves no file.
    const content = new PassThrough();
    parser.on('file', (field, file, { filename }) => {
      if (field !== 'file' || saving) return file.resume(); // drain parts we do not store
      // busboy truncates silently at the limit; turn that into an error that discards the file.
      file.on('limit', () => file.destroy(new UploadError(413, 'file', `file is larger than ${maxFileBytes} bytes`)));
      file.on('error', (error) => content.destroy(error));
      file.pipe(content, { end: false });
      const saved = store
        .save(randomUUID(), content)
        .then((result) => ({ ...result, filename: filename ?? 'unnamed' }));
      saved.catch(reject); // answer a failed save at once, without waiting for the rest of the body
      saving = saved;
    });
    parser.on('close', () => {
      if (parser.errored) return; // reported by the 'error' listener below
      if (!saving) reject(new UploadError(400, 'file', 'the form has no file part named "file"'));
      else saving.then(resolve, reject);
      content.end();
    });
    // A parser that fails discards the file part, which makes the store delete its partial file. A
    // form cut short is the client's mistake (400), even once the file part has begun; only the
    // request's own failure (the client went away) passes as it is, with nobody left to answer.
    parser.on('error', (error: Error) => {
      if (saving) content.destroy(error); // with no file part begun, nothing reads `content`
      if (error instanceof UploadError || error === req.errored) reject(error);
      else reject(new UploadError(400, 'body', `malformed multipart body: ${error.message}`));
    });
    // Not pipeline(req, parser): on a parser error it would destroy req, and with it the socket the
    // 400 has to go out on. A client that goes away still destroys the parser, and so the file.
    req.on('error', (error) => parser.destroy(error));
    req.pipe(parser);
    // A client that stops sending would hold the socket and the partial file until Node's 5-minute
    // requestTimeout: after `idleMs` without a byte, discard the upload and answer 408.
    req.setTimeout(idleMs, () => parser.destroy(new UploadError(408, 'body', `no data for ${idleMs} ms`)));
  }).finally(
    // Stryker disable next-line ArrowFunction: Node also resets the socket's timeout to keepAliveTimeout once the answer is sent
    () => req.setTimeout(0),
  );
}
// #endregion receive-file

// #region upload-app
export function createUploadApp(store: FileStore, limits: UploadLimits): Express {
  const app = express();
  app.post('/files', async (req, res, next) => {
    try {
      res.status(201).json(await receiveFile(req, store, limits));
    } catch (error) {
      next(error);
    }
  });
  app.use(uploadErrors(limits.lingerMs ?? 2000));
  return app;
}

function uploadErrors(lingerMs: number): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof UploadError) {
      if (!req.complete) closeAfterAnswer(res, req.socket, lingerMs);
      res.status(error.status).json({ error: error.message, field: error.field });
      return;
    }
    // The client went away: nobody to answer. Not `req.destroyed`: a request read to its end is
    // destroyed too, and its client, still waiting, would never get an answer.
    if (req.socket.destroyed) return;
    console.error('upload failed:', error);
    res.status(500).json({ error: 'upload failed' });
  };
}

/**
 * The connection cannot carry another request (the rest of this body is still on it), so say so:
 * without `Connection: close` a keep-alive client puts the socket back in its pool, sends its next
 * request on it as we close it, and gets "socket hang up" instead of an answer. Node ends such a
 * response with `socket.destroySoon()`, which destroys the socket the moment the answer is written:
 * the reset the lingering close avoids. So that only ends our side, and the linger closes.
 */
function closeAfterAnswer(res: Response, socket: Socket, lingerMs: number): void {
  res.setHeader('Connection', 'close');
  Object.assign(socket, { destroySoon: () => socket.end() });
  res.on('finish', () => lingerThenClose(socket, lingerMs));
}

/**
 * The rest of the body may still be arriving. Closing at once would leave it unread, and the kernel
 * answers unread data with a reset that can wipe the 4xx before the client reads it. So our side is
 * ended after the answer (the `destroySoon` above), Node discards what still comes for `lingerMs` (a
 * "lingering close"), then we close: the client gets its answer, and nobody gets a huge body read to the end.
 */
function lingerThenClose(socket: Socket, lingerMs: number): void {
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  // Stryker disable next-line CallExpression,StringLiteral,ArrowFunction: destroy() on a closed socket does nothing; clearing only frees the timer sooner
  socket.once('close', () => clearTimeout(timer));
}
// #endregion upload-app
