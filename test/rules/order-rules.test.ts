// 受注ルール through the API: rules run once at registration, in order; what they did stays with the
// order (a rule changed later does not touch it); a dry run says which rules an order would trigger.
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { type Api, givenMerchantClient, useApi } from "../api/support.ts";
import { anOrder } from "../support/fixtures.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

const merchant = () => givenMerchantClient(db, api);
type Merchant = Awaited<ReturnType<typeof merchant>>;

const islands = {
  name: "離島",
  conditions: [{ type: "address_contains", text: "小笠原" }],
  actions: [
    { type: "hold", note: "離島: 送料を確認" },
    { type: "add_fee", name: "離島送料", amount: 1500, kind: "shippingFee" },
    { type: "add_tag", tag: "離島" },
  ],
};
const island = { name: "小笠原 太郎", prefecture: "東京都", city: "小笠原村", address1: "父島1" };

const order = (m: Merchant, id: number) => m.client.get(`/orders/${id}`).then((r) => r.body);

describe("order rules at registration", () => {
  it("holds a matching order for confirmation with the note, adds the fee and the tag, and reserves nothing", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    expect((await m.client.post(`/stores/${m.storeId}/order-rules`, islands)).status).toBe(201);

    const registered = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryAddresses: [island], amounts: { subtotal: 1000, shippingFee: 500, total: 1500 } }),
    );
    const plain = await m.client.post(`/stores/${m.storeId}/orders`, anOrder());

    expect(registered.body).toMatchObject({ status: "held" });
    expect(registered.body.holdReasons).toEqual([
      expect.objectContaining({
        code: "order_rule",
        value: "離島",
        message: expect.stringContaining("送料を確認"),
      }),
    ]);
    const detail = await order(m, registered.body.orderId);
    expect(detail).toMatchObject({ tags: ["離島"], total: 3000, allocated: false });
    expect(detail.history[0]).toMatchObject({
      action: "order_rules_applied",
      detail: { rules: [expect.objectContaining({ name: "離島" })] },
    });
    expect(detail.amounts).toMatchObject({
      shippingFee: 2000,
      ruleFees: [{ name: "離島送料", amount: 1500 }],
    });
    expect(plain.body).toMatchObject({ status: "awaiting_shipment", holdReasons: [] });
  });

  it("releases a held order when an operator confirms it: mapped, allocated, shippable", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    await m.client.post(`/stores/${m.storeId}/order-rules`, islands);
    const held = await m.client.post(`/stores/${m.storeId}/orders`, anOrder({ deliveryAddresses: [island] }));

    const confirmed = await m.client.post(`/orders/${held.body.orderId}/confirm`);
    const again = await m.client.post(`/orders/${held.body.orderId}/confirm`);

    expect(confirmed.body).toMatchObject({ released: true, status: "awaiting_shipment", holdReasons: [] });
    expect(again.status).toBe(409);
    expect((await m.client.get("/stock?productCode=SKU-1")).body.data[0]).toMatchObject({ reserved: 1 });
  });

  it("does not hold a confirmed order again when the channel updates it, and keeps the rule's other effects", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    await m.client.post(`/stores/${m.storeId}/order-rules`, islands);
    const input = anOrder({ deliveryAddresses: [island], channelStatus: "new" });
    const held = await m.client.post(`/stores/${m.storeId}/orders`, input);
    await m.client.post(`/orders/${held.body.orderId}/confirm`);

    const updated = await m.client.post(`/stores/${m.storeId}/orders`, { ...input, channelStatus: "paid" });

    expect(updated.body).toMatchObject({ outcome: "updated", held: false, status: "awaiting_shipment" });
    expect(await order(m, held.body.orderId)).toMatchObject({ tags: ["離島"], total: 2600 });
  });

  it("drops the requested date and overwrites the delivery method before mapping", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    await m.client.post(`/stores/${m.storeId}/order-rules`, {
      name: "メール便は日付指定なし",
      conditions: [{ type: "delivery_method_in", values: ["メール便"] }],
      actions: [
        { type: "drop_requested_date" },
        { type: "set_field", field: "deliveryMethod", value: "takkyubin" },
      ],
    });

    const registered = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "メール便", requestedDate: "2026-11-20" }),
    );

    expect(registered.body).toMatchObject({ status: "awaiting_shipment", held: false });
    const detail = await order(m, registered.body.orderId);
    expect(detail).toMatchObject({ requestedDate: null, deliveryMethodCode: "takkyubin" });
  });

  it("runs the rules in their order, and in a new order after they are reordered", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const toCod = await m.client.post(`/stores/${m.storeId}/order-rules`, {
      name: "to COD",
      actions: [{ type: "set_field", field: "paymentMethod", value: "代金引換" }],
    });
    const tagCod = await m.client.post(`/stores/${m.storeId}/order-rules`, {
      name: "tag COD",
      conditions: [{ type: "payment_method_in", values: ["代金引換"] }],
      actions: [{ type: "add_tag", tag: "COD" }],
    });
    const first = await m.client.post(`/stores/${m.storeId}/order-rules/dry-run`, { order: anOrder() });

    const reordered = await m.client.put(`/stores/${m.storeId}/order-rules-order`, {
      ruleIds: [tagCod.body.id, toCod.body.id],
    });
    const second = await m.client.post(`/stores/${m.storeId}/order-rules/dry-run`, { order: anOrder() });
    const refused = await m.client.put(`/stores/${m.storeId}/order-rules-order`, {
      ruleIds: [toCod.body.id],
    });

    expect(first.body.result.tags).toEqual(["COD"]);
    expect(reordered.body.data.map((r: { name: string }) => r.name)).toEqual(["tag COD", "to COD"]);
    expect(second.body.result.tags).toEqual([]);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "rules_mismatch", field: "ruleIds" });
  });

  it("leaves existing orders alone when a rule changes, and keeps the rule's effects when the channel updates the order", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const rule = await m.client.post(`/stores/${m.storeId}/order-rules`, {
      name: "tag big orders",
      conditions: [{ type: "amount_above", amount: 1000 }],
      actions: [{ type: "add_tag", tag: "大口" }, { type: "drop_requested_date" }],
    });
    const input = anOrder({ requestedDate: "2026-11-20", channelStatus: "new" });
    const registered = await m.client.post(`/stores/${m.storeId}/orders`, input);

    await m.client.put(`/stores/${m.storeId}/order-rules/${rule.body.id}`, {
      name: "hold big orders",
      conditions: [{ type: "amount_above", amount: 1000 }],
      actions: [{ type: "hold", note: "check" }],
    });
    const updated = await m.client.post(`/stores/${m.storeId}/orders`, { ...input, channelStatus: "paid" });

    expect(updated.body).toMatchObject({ orderId: registered.body.orderId, outcome: "updated", held: false });
    expect(await order(m, registered.body.orderId)).toMatchObject({
      tags: ["大口"],
      requestedDate: null,
      channelStatus: "paid",
    });
    const later = await m.client.post(`/stores/${m.storeId}/orders`, anOrder());
    expect(later.body).toMatchObject({ status: "held" });
  });

  it("answers a dry run with each rule, each condition's verdict and the order the rules would leave", async () => {
    const m = await merchant();
    await m.client.post(`/stores/${m.storeId}/order-rules`, islands);
    await m.client.post(`/stores/${m.storeId}/order-rules`, {
      name: "long names",
      conditions: [{ type: "longer_than", field: "recipient.name", length: 20 }],
      actions: [{ type: "hold", note: "伝票に入らない" }],
    });

    const dry = await m.client.post(`/stores/${m.storeId}/order-rules/dry-run`, {
      order: anOrder({ deliveryAddresses: [island], amounts: { subtotal: 1000, total: 1100 } }),
    });

    expect(dry.status).toBe(200);
    expect(dry.body.triggered).toEqual([expect.objectContaining({ name: "離島" })]);
    expect(dry.body.rules.map((r: { matched: boolean }) => r.matched)).toEqual([true, false]);
    expect(dry.body.rules[1].conditions[0]).toMatchObject({ matched: false });
    expect(dry.body.result).toMatchObject({ held: true, tags: ["離島"], total: 2600 });
    expect((await m.client.get("/orders")).body.total_count).toBe(0);
  });

  it("dry-runs an order already registered, as it is stored", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const registered = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryAddresses: [island] }),
    );
    await m.client.post(`/stores/${m.storeId}/order-rules`, islands);

    const dry = await m.client.post(`/stores/${m.storeId}/order-rules/dry-run`, {
      orderId: registered.body.orderId,
    });

    expect(dry.body.triggered).toEqual([expect.objectContaining({ name: "離島" })]);
    expect(await order(m, registered.body.orderId)).toMatchObject({ status: "awaiting_shipment", tags: [] });
  });

  it("refuses a rule without actions and an unknown condition, naming the field", async () => {
    const m = await merchant();

    const noAction = await m.client.post(`/stores/${m.storeId}/order-rules`, { name: "x", actions: [] });
    const unknown = await m.client.post(`/stores/${m.storeId}/order-rules`, {
      name: "x",
      conditions: [{ type: "moon_phase" }],
      actions: [{ type: "add_tag", tag: "t" }],
    });

    expect(noAction.status).toBe(400);
    expect(noAction.body.error.field).toBe("actions");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toMatch(/^conditions\[0\]/);
  });
});

describe("order code prefix (O11)", () => {
  it("makes codes unique in the organization: two stores without prefixes collide, with a prefix they do not", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const second = await m.client.post("/stores", { channel: "test", name: "二号店", warehouseCode: "WH1" });
    const third = await m.client.post("/stores", {
      channel: "test",
      name: "三号店",
      warehouseCode: "WH1",
      orderCodePrefix: "S3-",
    });
    const code = "100-2026-0001";

    const first = await m.client.post(`/stores/${m.storeId}/orders`, anOrder({ orderCode: code }));
    const collided = await m.client.post(`/stores/${second.body.id}/orders`, anOrder({ orderCode: code }));
    const prefixed = await m.client.post(`/stores/${third.body.id}/orders`, anOrder({ orderCode: code }));

    expect(third.body.orderCodePrefix).toBe("S3-");
    expect(await order(m, first.body.orderId)).toMatchObject({ kuraCode: code, orderCode: code });
    expect(collided.body).toMatchObject({ status: "held" });
    expect(collided.body.holdReasons).toEqual([
      expect.objectContaining({ code: "duplicate_order_code", value: code }),
    ]);
    expect(await order(m, prefixed.body.orderId)).toMatchObject({
      kuraCode: `S3-${code}`,
      status: "awaiting_shipment",
    });
    const found = await m.client.get(`/orders?code=S3-${code}`);
    expect(found.body.data.map((o: { id: number }) => o.id)).toEqual([prefixed.body.orderId]);
    expect(found.body.data[0]).toMatchObject({ kuraCode: `S3-${code}`, orderCode: code, tags: [] });
  });

  it("releases an order held for a taken code once its store has a prefix and the order is re-mapped", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const second = await m.client.post("/stores", { channel: "test", name: "二号店", warehouseCode: "WH1" });
    const code = "100-2026-0002";
    await m.client.post(`/stores/${m.storeId}/orders`, anOrder({ orderCode: code }));
    const collided = await m.client.post(`/stores/${second.body.id}/orders`, anOrder({ orderCode: code }));
    expect(collided.body).toMatchObject({ status: "held" });

    const stillTaken = await m.client.post(`/orders/${collided.body.orderId}/remap`);
    expect(stillTaken.body).toMatchObject({ status: "held" });
    await m.client.call("PATCH", `/stores/${second.body.id}`, { body: { orderCodePrefix: "S2-" } });
    const remapped = await m.client.post(`/orders/${collided.body.orderId}/remap`);

    expect(remapped.status).toBe(200);
    expect(await order(m, collided.body.orderId)).toMatchObject({
      kuraCode: `S2-${code}`,
      holdReasons: [],
      status: "awaiting_shipment",
    });
  });
});
