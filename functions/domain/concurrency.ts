/**
 * Runs `work` on every item, at most `limit` at a time, items taken in order; resolves with the results
 * in the items' order.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T, i);
    }),
  );
  return results;
}
