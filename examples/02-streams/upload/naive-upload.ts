import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import express, { type Express } from 'express';
import type { FileStore } from './storage.js';

// #region naive-upload
/**
 * The pitfall: collect busboy's chunks of the file part into one Buffer, and only then hand it to the
 * store. Memory grows by the file's size (and again for the concatenation), per concurrent upload.
 */
export function naiveUploadApp(store: FileStore): Express {
  const app = express();
  app.post('/files', (req, res, next) => {
    const parser = busboy({ headers: req.headers });
    const chunks: Buffer[] = [];
    parser.on('file', (_field, file) => file.on('data', (chunk: Buffer) => chunks.push(chunk)));
    parser.on('close', () => {
      const buffer = Buffer.concat(chunks);
      store.save(randomUUID(), Readable.from([buffer])).then((saved) => res.status(201).json(saved), next);
    });
    req.pipe(parser);
  });
  return app;
}
// #endregion naive-upload
