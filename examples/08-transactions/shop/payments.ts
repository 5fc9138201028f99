import type pg from 'pg';

/** Above this the stand-in gateway declines, so the demo can fail a payment for real. */
export const CARD_LIMIT_CENTS = 100_000;

/** The payment service: a ledger of charges, one per order, standing in for a gateway called with an idempotency key. */
export async function createPaymentsTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS payments (
    order_id uuid PRIMARY KEY,
    customer_id int NOT NULL,
    amount_cents int NOT NULL,
    status text NOT NULL CHECK (status IN ('charged', 'refunded'))
  )`);
}

export class PaymentDeclinedError extends Error {
  constructor(readonly amountCents: number) {
    super(`card declined for ${amountCents} cents`);
    this.name = 'PaymentDeclinedError';
  }
}

export async function chargePayment(
  pool: pg.Pool,
  orderId: string,
  customerId: number,
  amountCents: number,
): Promise<void> {
  if (amountCents > CARD_LIMIT_CENTS) throw new PaymentDeclinedError(amountCents);
  await pool.query(
    `INSERT INTO payments (order_id, customer_id, amount_cents, status) VALUES ($1, $2, $3, 'charged')
     ON CONFLICT (order_id) DO NOTHING`,
    [orderId, customerId, amountCents],
  );
}

/** Compensation: only a charged payment becomes refunded, so a second refund changes nothing. */
export async function refundPayment(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query(`UPDATE payments SET status = 'refunded' WHERE order_id = $1 AND status = 'charged'`, [orderId]);
}
