// When a store function runs next: every N seconds, or at times of day in Japan time.

export interface FunctionSchedule {
  intervalSeconds: number | null;
  /** "HH:MM" in Asia/Tokyo. */
  timesOfDay: string[];
}

const tokyoOffsetMs = 9 * 3_600_000; // Japan has no daylight saving time

/** The next run strictly after `after`, or null when the function has no schedule (manual/event only). */
export function nextRunAt(schedule: FunctionSchedule, after: Date): Date | null {
  const candidates: number[] = [];
  if (schedule.intervalSeconds && schedule.intervalSeconds > 0) {
    candidates.push(after.getTime() + schedule.intervalSeconds * 1000);
  }
  for (const time of schedule.timesOfDay) {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
    if (!match) continue;
    const minutes = Number(match[1]) * 60 + Number(match[2]);
    const tokyo = new Date(after.getTime() + tokyoOffsetMs);
    const midnightTokyoUtc =
      Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate()) - tokyoOffsetMs;
    let at = midnightTokyoUtc + minutes * 60_000;
    if (at <= after.getTime()) at += 86_400_000;
    candidates.push(at);
  }
  return candidates.length > 0 ? new Date(Math.min(...candidates)) : null;
}

export const isTimeOfDay = (value: string) => /^([01]\d|2[0-3]):([0-5]\d)$/.test(value);
