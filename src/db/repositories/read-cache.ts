// Reads that stay the same over a batch of registrations (one page of an import): the store, its order
// rules, warehouse choice and mappings, the organization's masters, the correspondences of the item codes
// seen. A page of orders reads each once instead of once per order. A cache lives for one page, so what an
// operator changes meanwhile is seen from the next page on. Without a cache every read goes to the database.

export class ReadCache {
  private readonly values = new Map<string, Promise<unknown>>();
  private readonly entries = new Map<string, Map<string, unknown>>();

  /** The value under `key`, loaded once; a failed load is not kept. */
  one<T>(key: string, load: () => PromiseLike<T>): Promise<T> {
    const known = this.values.get(key) as Promise<T> | undefined;
    if (known) return known;
    const loading = (async () => load())(); // a query builder runs each time it is awaited: await it once
    this.values.set(key, loading);
    loading.catch(() => this.values.delete(key));
    return loading;
  }

  /**
   * The values of `keys` in `namespace`; the keys not seen yet are loaded together by one call of `load`,
   * which answers the values it found (a key it does not answer is remembered as absent).
   */
  async many<T>(
    namespace: string,
    keys: string[],
    load: (missing: string[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    const known = (this.entries.get(namespace) ?? new Map()) as Map<string, T | undefined>;
    this.entries.set(namespace, known);
    const missing = keys.filter((key) => !known.has(key));
    if (missing.length > 0) {
      const loaded = await load(missing);
      for (const key of missing) known.set(key, loaded.get(key));
    }
    const found = new Map<string, T>();
    for (const key of keys) {
      const value = known.get(key);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  }
}

/** `load()` through the cache when there is one. */
export const cachedRead = <T>(
  cache: ReadCache | undefined,
  key: string,
  load: () => Promise<T>,
): Promise<T> => (cache ? cache.one(key, load) : load());
