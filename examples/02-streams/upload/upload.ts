import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import express, { type ErrorRequestHandler, type Express } from 'express';
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

// #region receive-file
/**
 * Parses multipart/form-data as it arrives and streams the part named `file` straight into the
 * store. At most one chunk of the body is in memory at a time, whatever the file size.
 */
export function receiveFile(req: IncomingMessage, store: FileStore, maxFileBytes: number): Promise<UploadedFile> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, files: 1, fields: 20 } });
  } catch {
    return Promise.reject(new UploadError(400, 'content-type', 'expected a multipart/form-data body'));
  }
  return new Promise((resolve, reject) => {
    let saving: Promise<UploadedFile> | undefined;
    parser.on('file', (field, file, { filename }) => {
      if (field !== 'file' || saving) return file.resume(); // drain parts we do not store
      // busboy truncates silently at the limit; turn that into an error that discards the file.
      file.on('limit', () => file.destroy(new UploadError(413, 'file', `file is larger than ${maxFileBytes} bytes`)));
      const saved = store.save(randomUUID(), file).then((result) => ({ ...result, filename: filename ?? 'unnamed' }));
      saved.catch(reject); // answer a failed save at once, without waiting for the rest of the body
      saving = saved;
    });
    parser.on('close', () => {
      if (parser.errored) return; // the pipeline below reports it
      if (!saving) reject(new UploadError(400, 'file', 'the form has no file part named "file"'));
      else saving.then(resolve, reject);
    });
    // A client that disconnects makes pipeline destroy busboy, which destroys the file stream,
    // which makes the store delete its partial file.
    pipeline(req, parser).catch((error: Error) =>
      reject(saving ? error : new UploadError(400, 'body', `malformed multipart body: ${error.message}`)),
    );
  });
}
// #endregion receive-file

// #region upload-app
export function createUploadApp(store: FileStore, maxFileBytes: number): Express {
  const app = express();
  app.post('/files', async (req, res, next) => {
    try {
      res.status(201).json(await receiveFile(req, store, maxFileBytes));
    } catch (error) {
      next(error);
    }
  });
  app.use(uploadErrors);
  return app;
}

const uploadErrors: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof UploadError) {
    // The rest of the body may still be arriving: close the connection rather than read it all.
    if (!req.complete) res.set('Connection', 'close');
    res.status(error.status).json({ error: error.message, field: error.field });
    return;
  }
  if (req.destroyed) return; // the client went away: nobody to answer
  console.error('upload failed:', error);
  res.status(500).json({ error: 'upload failed' });
};
// #endregion upload-app
