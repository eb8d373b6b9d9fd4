// 同梱 (bundling) rules, pure: which matching slips join a candidate, what conflicts the operator should
// see, and when an undecided candidate is urgent before the shipping cut-off (出荷依頼の締め時間).

export interface BundleOrder {
  id: number;
  paymentMethodCode: string | null;
  requestedDate: string | null;
  timeSlot: string | null;
}

export interface BundleRules {
  /** Pairs the operator said not to bundle (同梱しない), as `pairKey(a, b)`. */
  excludedPairs: ReadonlySet<string>;
  /** Payment method code pairs that must never be bundled (e.g. cash on delivery with prepaid). */
  nonBundlablePaymentPairs: ReadonlyArray<readonly [string, string]>;
}

export type Incompatibility = "do_not_bundle" | "payment_methods_not_bundlable";

export const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function incompatibility(a: BundleOrder, b: BundleOrder, rules: BundleRules): Incompatibility | null {
  if (rules.excludedPairs.has(pairKey(a.id, b.id))) return "do_not_bundle";
  const pa = a.paymentMethodCode;
  const pb = b.paymentMethodCode;
  if (pa && pb && pa !== pb) {
    const forbidden = rules.nonBundlablePaymentPairs.some(
      ([x, y]) => (x === pa && y === pb) || (x === pb && y === pa),
    );
    if (forbidden) return "payment_methods_not_bundlable";
  }
  return null;
}

export interface Skipped {
  orderId: number;
  reason: Incompatibility;
}

/**
 * The members a new slip's candidate gets: the new order first, then each match (oldest first) that is
 * compatible with every member taken so far. Matches left out are returned with the reason.
 */
export function chooseMembers(
  newOrder: BundleOrder,
  matches: BundleOrder[],
  rules: BundleRules,
): { members: BundleOrder[]; skipped: Skipped[] } {
  const members = [newOrder];
  const skipped: Skipped[] = [];
  for (const match of [...matches].sort((a, b) => a.id - b.id)) {
    const reason = members.map((m) => incompatibility(m, match, rules)).find((r) => r !== null) ?? null;
    if (reason) skipped.push({ orderId: match.id, reason });
    else members.push(match);
  }
  return { members, skipped };
}

export interface Conflicts {
  /** The members ask for different delivery dates (お届け希望日). */
  requestedDates: string[];
  /** The members ask for different time slots (お届け希望時間帯). */
  timeSlots: string[];
}

/** Requested dates / time slots that differ between members, for the operator to see. */
export function conflictsOf(members: Array<Pick<BundleOrder, "requestedDate" | "timeSlot">>): Conflicts {
  const distinct = (values: Array<string | null>) => [...new Set(values.filter((v) => v !== null))].sort();
  const dates = distinct(members.map((m) => m.requestedDate));
  const slots = distinct(members.map((m) => m.timeSlot));
  const someWithout = (values: Array<string | null>) => values.some((v) => v === null);
  return {
    requestedDates:
      dates.length > 1 || (dates.length === 1 && someWithout(members.map((m) => m.requestedDate)))
        ? dates
        : [],
    timeSlots:
      slots.length > 1 || (slots.length === 1 && someWithout(members.map((m) => m.timeSlot))) ? slots : [],
  };
}

const tokyoOffsetMs = 9 * 3_600_000;
const dayMs = 86_400_000;

function minutesOf(time: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`not a time of day: ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The first cut-off (Japan time) at or after `instant`: the deadline of a candidate made then. */
export function cutoffDeadline(instant: Date, cutoffTime: string): Date {
  const tokyo = new Date(instant.getTime() + tokyoOffsetMs);
  const midnight = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate()) - tokyoOffsetMs;
  let at = midnight + minutesOf(cutoffTime) * 60_000;
  if (at < instant.getTime()) at += dayMs;
  return new Date(at);
}

/** The last cut-off at or before `instant`. */
function lastCutoffAtOrBefore(instant: Date, cutoffTime: string): Date {
  const next = cutoffDeadline(instant, cutoffTime);
  return next.getTime() === instant.getTime() ? next : new Date(next.getTime() - dayMs);
}

/**
 * Candidates made at or before this instant are urgent now: their cut-off is at most `urgentMinutes` away
 * (or passed). Deadlines grow with the creation time, so this is one comparison on `created_at`.
 */
export function urgentIfCreatedBy(now: Date, cutoffTime: string, urgentMinutes: number): Date {
  return lastCutoffAtOrBefore(new Date(now.getTime() + urgentMinutes * 60_000), cutoffTime);
}

export function urgencyOf(createdAt: Date, now: Date, cutoffTime: string | null, urgentMinutes: number) {
  if (!cutoffTime) return { deadline: null, urgent: false, overdue: false };
  const deadline = cutoffDeadline(createdAt, cutoffTime);
  return {
    deadline,
    urgent: deadline.getTime() - urgentMinutes * 60_000 <= now.getTime(),
    overdue: deadline.getTime() < now.getTime(),
  };
}
