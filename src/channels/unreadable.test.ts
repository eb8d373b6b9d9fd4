import { describe, expect, it } from "vitest";
import { ChannelError } from "./errors.ts";
import { readEach } from "./unreadable.ts";

const read = (raw: { no: string; qty: unknown }) => {
  if (typeof raw.qty !== "number") {
    throw new ChannelError({
      kind: "invalid",
      channel: "x",
      message: `x: order ${raw.no} arrived in an unexpected shape (items.0.qty: expected number)`,
    });
  }
  return raw.no;
};
const describeRaw = (raw: { no: string }) => ({ orderCode: raw.no, payload: raw });

describe("reading a page of channel orders one by one", () => {
  it("sets an unreadable order aside with its field and payload, and reads the others", () => {
    const page = [
      { no: "A", qty: 1 },
      { no: "B", qty: "two" },
      { no: "C", qty: 3 },
    ];

    const { read: orders, rejected } = readEach(page, read, describeRaw);

    expect(orders).toEqual(["A", "C"]);
    expect(rejected).toEqual([
      { orderCode: "B", field: "items.0.qty", payload: page[1], message: expect.stringMatching(/order B/) },
    ]);
  });

  it("lets any other failure through: a page that cannot be read at all is the run's problem", () => {
    const broken = () => {
      throw new ChannelError({ kind: "transient", channel: "x", message: "timeout" });
    };
    expect(() => readEach([{ no: "A", qty: 1 }], broken, describeRaw)).toThrow(/timeout/);
  });
});
