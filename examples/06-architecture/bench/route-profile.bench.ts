// Where the layered route's CPU goes, per framework: profile-route.ts's shares of the server's CPU
// samples by package (or app file), side by side, so the README can name the price of each feature
// of the edge from a table that `pnpm bench architecture` refreshes.
import { markdownTable, reportBench } from '@cookbook/shared/bench';
import { profileRoute } from './profile-route.js';

const SECONDS = 8;
const fastify = await profileRoute('fastify', SECONDS);
const express = await profileRoute('express', SECONDS);
const percent = (share = 0) => `${(share * 100).toFixed(1)}%`;
// Owners with at least 1% of either framework's samples, the larger first.
const owners = [...new Set([...fastify.shares.keys(), ...express.shares.keys()])]
  .filter((owner) => Math.max(fastify.shares.get(owner) ?? 0, express.shares.get(owner) ?? 0) >= 0.01)
  .sort(
    (a, b) =>
      Math.max(express.shares.get(b) ?? 0, fastify.shares.get(b) ?? 0) -
      Math.max(express.shares.get(a) ?? 0, fastify.shares.get(a) ?? 0),
  );
reportBench(
  'route-profile',
  `GET /products/1 under load for ${SECONDS} s per framework, with V8's CPU profiler in the server; each sample is charged ` +
    'to the package (or app file) nearest the top of its stack, so Node core work is charged to whoever asked for it. ' +
    `Unpinned; ${Math.round(fastify.requestsPerSecond)} (Fastify) and ${Math.round(express.requestsPerSecond)} (Express) requests/s while profiled.\n\n` +
    markdownTable(
      ['owner', 'Fastify route', 'Express route'],
      owners.map((owner) => [owner, percent(fastify.shares.get(owner)), percent(express.shares.get(owner))]),
    ),
);
