import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { naiveVisitCounter } from './in-process-state.js';

const visits = async (app: express.Express) =>
  ((await request(app).get('/visits').expect(200)).body as { visits: number }).visits;

describe('a visit counter in process memory', () => {
  it('counts every visit on one process, each instance only its own, and a restart starts again at 1', async () => {
    const single = express().use(naiveVisitCounter());
    const counts = [];
    for (let i = 0; i < 3; i += 1) counts.push(await visits(single));
    expect(counts).toEqual([1, 2, 3]);
    // Two instances behind a balancer alternating between them: neither saw the other's visits.
    const [a, b] = [express().use(naiveVisitCounter()), express().use(naiveVisitCounter())];
    expect([await visits(a), await visits(b), await visits(a), await visits(b)]).toEqual([1, 1, 2, 2]);
    expect(await visits(express().use(naiveVisitCounter()))).toBe(1);
  });
});
