// Japanese text is compared after normalizing; the original is always kept as received.

const hyphenVariants = /[\u002D\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30FC\uFF0D\uFF70\u2500\u2501]/g;
const tildeVariants = /[~\u301C\uFF5E\u223C]/g;
const spaces = /[\s\u3000]+/g;

/** NFKC, hyphen/dash/long-vowel variants unified, all spaces removed: for equality checks only. */
export function normalizeForComparison(text: string): string {
  return text.normalize("NFKC").replace(hyphenVariants, "-").replace(spaces, "").toLowerCase();
}

/**
 * A delivery time-slot string in Kura's form: NFKC, spaces removed, and every tilde variant
 * (`~`, `〜`, `～`) written as the full-width tilde `～` that carriers' lists use.
 */
export function normalizeTimeSlot(slot: string): string {
  return slot.normalize("NFKC").replace(spaces, "").replace(tildeVariants, "～");
}
