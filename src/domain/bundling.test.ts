import { describe, expect, it } from "vitest";
import {
  chooseMembers,
  conflictsOf,
  cutoffDeadline,
  pairKey,
  urgencyOf,
  urgentIfCreatedBy,
} from "./bundling.ts";

const order = (id: number, paymentMethodCode: string | null = "credit_card") => ({
  id,
  paymentMethodCode,
  requestedDate: null,
  timeSlot: null,
});
const noRules = { excludedPairs: new Set<string>(), nonBundlablePaymentPairs: [] };

describe("choosing the members of a bundle candidate", () => {
  it("takes every match when nothing forbids it", () => {
    const { members, skipped } = chooseMembers(order(3), [order(2), order(1)], noRules);
    expect(members.map((m) => m.id)).toEqual([3, 1, 2]);
    expect(skipped).toEqual([]);
  });

  it("never puts a pair the operator said not to bundle together again", () => {
    const rules = { ...noRules, excludedPairs: new Set([pairKey(1, 2)]) };
    const { members, skipped } = chooseMembers(order(3), [order(1), order(2)], rules);
    expect(members.map((m) => m.id)).toEqual([3, 1]);
    expect(skipped).toEqual([{ orderId: 2, reason: "do_not_bundle" }]);
  });

  it("keeps apart payment methods the organization must not bundle, in either order", () => {
    const rules = {
      ...noRules,
      nonBundlablePaymentPairs: [["credit_card", "cod"]] as Array<[string, string]>,
    };
    const { members, skipped } = chooseMembers(
      order(3, "cod"),
      [order(1, "credit_card"), order(2, "cod")],
      rules,
    );
    expect(members.map((m) => m.id)).toEqual([3, 2]);
    expect(skipped).toEqual([{ orderId: 1, reason: "payment_methods_not_bundlable" }]);
  });
});

describe("conflicts shown on a candidate", () => {
  it("lists differing requested dates and time slots, and nothing when they agree", () => {
    expect(
      conflictsOf([
        { requestedDate: "2026-11-05", timeSlot: "午前中" },
        { requestedDate: "2026-11-06", timeSlot: "午前中" },
      ]),
    ).toEqual({ requestedDates: ["2026-11-05", "2026-11-06"], timeSlots: [] });
    expect(
      conflictsOf([
        { requestedDate: null, timeSlot: "14時～16時" },
        { requestedDate: null, timeSlot: null },
      ]),
    ).toEqual({
      requestedDates: [],
      timeSlots: ["14時～16時"],
    });
  });
});

describe("urgency before the shipping cut-off (Japan time)", () => {
  const jst = (text: string) => new Date(`${text}+09:00`);

  it("gives a candidate the first cut-off at or after it was made", () => {
    expect(cutoffDeadline(jst("2026-11-02T10:00:00"), "15:00")).toEqual(jst("2026-11-02T15:00:00"));
    expect(cutoffDeadline(jst("2026-11-02T15:30:00"), "15:00")).toEqual(jst("2026-11-03T15:00:00"));
  });

  it("is urgent within the minutes before the cut-off, and overdue after it", () => {
    const made = jst("2026-11-02T09:00:00");
    expect(urgencyOf(made, jst("2026-11-02T13:59:00"), "15:00", 60)).toMatchObject({ urgent: false });
    expect(urgencyOf(made, jst("2026-11-02T14:00:00"), "15:00", 60)).toMatchObject({
      urgent: true,
      overdue: false,
    });
    expect(urgencyOf(made, jst("2026-11-02T15:01:00"), "15:00", 60)).toMatchObject({
      urgent: true,
      overdue: true,
    });
    expect(urgencyOf(made, jst("2026-11-02T14:30:00"), null, 60)).toMatchObject({
      urgent: false,
      deadline: null,
    });
  });

  it("turns urgency into one bound on the creation time that agrees with each candidate's deadline", () => {
    const now = jst("2026-11-02T14:30:00");
    const bound = urgentIfCreatedBy(now, "15:00", 60);
    for (const made of [
      "2026-11-01T16:00:00",
      "2026-11-02T14:59:00",
      "2026-11-02T15:00:00",
      "2026-11-02T15:01:00",
    ]) {
      const createdAt = jst(made);
      expect(createdAt <= bound).toBe(urgencyOf(createdAt, now, "15:00", 60).urgent);
    }
  });
});
