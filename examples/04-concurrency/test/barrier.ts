/**
 * Resolves every waiter once `parties` have arrived; later arrivals pass straight through.
 * Forces an interleaving ("both read before either writes") instead of hoping for one.
 */
export function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}
