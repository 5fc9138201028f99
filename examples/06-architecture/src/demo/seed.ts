import type { Services } from '../composition.js';

/** A few rows to look at; skipped when the database already has users. */
export async function seed({ users, products }: Pick<Services, 'users' | 'products'>): Promise<void> {
  if ((await users.list({ limit: 1 })).items.length > 0) return;
  for (const [name, email] of [
    ['Ada Lovelace', 'ada@example.com'],
    ['Grace Hopper', 'grace@example.com'],
    ['Edsger Dijkstra', 'edsger@example.com'],
  ] as const) {
    await users.register({ email, name, password: 'correct horse battery staple' });
  }
  for (const [name, priceCents, stock] of [
    ['Kettle', 2599, 12],
    ['Teapot', 3499, 4],
    ['Mug', 899, 40],
  ] as const) {
    await products.create({ name, priceCents, stock });
  }
}
