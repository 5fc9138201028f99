import type pg from 'pg';

/** The order service: owns the `orders` table. Every write is keyed by the order id, so a retry is harmless. */
export async function createOrdersTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS orders (
    id uuid PRIMARY KEY,
    customer_id int NOT NULL,
    total_cents int NOT NULL CHECK (total_cents > 0),
    status text NOT NULL CHECK (status IN ('placed', 'cancelled'))
  )`);
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface NewOrder {
  customerId: number;
  totalCents: number;
  lines: OrderLine[];
}

export async function createOrder(pool: pg.Pool, orderId: string, order: NewOrder): Promise<void> {
  await pool.query(
    `INSERT INTO orders (id, customer_id, total_cents, status) VALUES ($1, $2, $3, 'placed')
     ON CONFLICT (id) DO NOTHING`,
    [orderId, order.customerId, order.totalCents],
  );
}

/** Compensation: cancel rather than delete, so the history of what happened stays. */
export async function cancelOrder(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query(`UPDATE orders SET status = 'cancelled' WHERE id = $1`, [orderId]);
}
