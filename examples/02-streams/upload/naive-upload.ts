import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import express, { type Express } from 'express';
import type { FileStore } from './storage.js';

// #region naive-upload
/**
 * What `multer()` with its default memory storage does: collect the whole file into one Buffer
 * (`req.file.buffer`; there is no `req.file.stream`, so the Q&A's pipeline gets `undefined`), and
 * only then store it. Memory grows by the file's size, per concurrent upload.
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
