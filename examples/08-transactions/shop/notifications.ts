import type pg from 'pg';

/** The notification service: an outbox-like table of messages to send, one confirmation per order. */
export async function createNotificationsTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS notifications (
    order_id uuid PRIMARY KEY,
    customer_id int NOT NULL,
    message text NOT NULL
  )`);
}

export async function sendConfirmation(pool: pg.Pool, orderId: string, customerId: number): Promise<void> {
  await pool.query(
    'INSERT INTO notifications (order_id, customer_id, message) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING',
    [orderId, customerId, `Order ${orderId} confirmed`],
  );
}
