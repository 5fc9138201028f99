/**
 * Money crosses every boundary here as integer cents. A float (0.1 + 0.2), a string or a negative
 * amount is refused before any row is touched, with the name of the field that was wrong.
 */
export function assertCents(amount: number, field = 'amountCents'): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new RangeError(`${field} must be a positive integer number of cents, got ${amount}`);
  }
  return amount;
}
