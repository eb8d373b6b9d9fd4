import { describe, expect, it } from "vitest";
import { nextRunAt } from "./schedule.ts";

const at = (iso: string) => new Date(iso);

describe("the next run of a store function", () => {
  it("comes an interval after the last", () => {
    expect(nextRunAt({ intervalSeconds: 600, timesOfDay: [] }, at("2026-11-23T00:00:00Z"))).toEqual(
      at("2026-11-23T00:10:00Z"),
    );
  });

  it("comes at the next time of day in Japan time, tomorrow once today's has passed", () => {
    const schedule = { intervalSeconds: null, timesOfDay: ["09:00", "17:30"] };
    // 2026-11-23 10:00 JST = 01:00Z → 17:30 JST the same day = 08:30Z
    expect(nextRunAt(schedule, at("2026-11-23T01:00:00Z"))).toEqual(at("2026-11-23T08:30:00Z"));
    // 2026-11-23 18:00 JST = 09:00Z → 09:00 JST the next day = 00:00Z
    expect(nextRunAt(schedule, at("2026-11-23T09:00:00Z"))).toEqual(at("2026-11-24T00:00:00Z"));
  });

  it("takes the earlier of an interval and a time of day", () => {
    const schedule = { intervalSeconds: 3600, timesOfDay: ["10:15"] };
    expect(nextRunAt(schedule, at("2026-11-23T01:00:00Z"))).toEqual(at("2026-11-23T01:15:00Z"));
  });

  it("has no next run without a schedule", () => {
    expect(nextRunAt({ intervalSeconds: null, timesOfDay: [] }, new Date())).toBeNull();
  });
});
