// Sign-in attempts on the consent page, per e-mail: after `maxFailures` wrong passwords within `windowMs`
// the address is refused until the window has passed, so a password cannot be guessed at speed. In memory,
// per API process (several processes each keep their own count).
export interface LoginThrottle {
  /** Milliseconds until the address may try again; 0 when it may now. */
  blockedFor(email: string): number;
  failed(email: string): void;
  succeeded(email: string): void;
}

export function createLoginThrottle(maxFailures = 5, windowMs = 15 * 60_000): LoginThrottle {
  const failures = new Map<string, { count: number; since: number }>();
  const keyOf = (email: string) => email.trim().toLowerCase();
  const current = (email: string) => {
    const entry = failures.get(keyOf(email));
    if (entry && Date.now() - entry.since > windowMs) {
      failures.delete(keyOf(email));
      return undefined;
    }
    return entry;
  };
  return {
    blockedFor(email) {
      const entry = current(email);
      return entry && entry.count >= maxFailures ? entry.since + windowMs - Date.now() : 0;
    },
    failed(email) {
      const entry = current(email) ?? { count: 0, since: Date.now() };
      entry.count += 1;
      failures.set(keyOf(email), entry);
      if (failures.size > 10_000) failures.delete(failures.keys().next().value as string);
    },
    succeeded(email) {
      failures.delete(keyOf(email));
    },
  };
}
