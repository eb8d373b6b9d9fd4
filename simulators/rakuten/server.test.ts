// The simulator holds RMS's published limits and answers, so tests against it mean something.
import { afterEach, describe, expect, it } from "vitest";
import { toRmsDateTime } from "./generate.ts";
import { type RakutenSimulator, type RakutenSimulatorOptions, startRakutenSimulator } from "./server.ts";

const sims: RakutenSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

async function start(options: RakutenSimulatorOptions = {}) {
  const sim = await startRakutenSimulator({ requestsPerSecond: 100, ...options });
  sims.push(sim);
  const esa = `ESA ${Buffer.from(`${sim.serviceSecret}:${sim.licenseKey}`).toString("base64")}`;
  const call = async (method: string, path: string, body?: unknown, authorization = esa) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    return { status: response.status, body: type.includes("json") && text ? JSON.parse(text) : text };
  };
  return { sim, call };
}

const now = () => new Date();
const search = (from: Date, to: Date, extra: Record<string, unknown> = {}) => ({
  dateType: 1,
  startDatetime: toRmsDateTime(from),
  endDatetime: toRmsDateTime(to),
  ...extra,
});

describe("the RMS simulator", () => {
  it("refuses a wrong or expired license key with ES01-01, and the XML API with AuthError", async () => {
    const { sim, call } = await start();
    const wrong = `ESA ${Buffer.from(`${sim.serviceSecret}:nope`).toString("base64")}`;
    const refused = await call("POST", "/es/2.0/order/searchOrder/", {}, wrong);
    expect(refused).toEqual({
      status: 401,
      body: { Results: { errorCode: "ES01-01", message: "Un-Authorised" } },
    });

    sim.expireLicenseKey();
    expect((await call("POST", "/es/2.0/order/searchOrder/", {})).status).toBe(401);
    const xml = await call("GET", "/es/1.0/navigation/genre/get?genreId=0");
    expect(xml.body).toContain("<systemStatus>NG</systemStatus><message>AuthError</message>");
  });

  it("holds searchOrder to its date type, date format, 63-day window and page size", async () => {
    const { call } = await start();
    const day = 86_400_000;
    const error = async (body: unknown) =>
      (await call("POST", "/es/2.0/order/searchOrder/", body)).body.MessageModelList[0].messageCode;

    expect(await error({ startDatetime: toRmsDateTime(now()), endDatetime: toRmsDateTime(now()) })).toBe(
      "ORDER_EXT_API_SEARCH_ORDER_ERROR_009",
    );
    expect(
      await error({
        dateType: 1,
        startDatetime: "2026-11-01T00:00:00+09:00",
        endDatetime: toRmsDateTime(now()),
      }),
    ).toBe("ORDER_EXT_API_SEARCH_ORDER_ERROR_011");
    expect(await error(search(new Date(Date.now() - 64 * day), now()))).toBe(
      "ORDER_EXT_API_SEARCH_ORDER_ERROR_014",
    );
    expect(await error(search(new Date(Date.now() - 731 * day), new Date(Date.now() - 700 * day)))).toBe(
      "ORDER_EXT_API_SEARCH_ORDER_ERROR_013",
    );
    expect(
      await error(
        search(now(), now(), { PaginationRequestModel: { requestRecordsAmount: 1001, requestPage: 1 } }),
      ),
    ).toBe("ORDER_EXT_API_SEARCH_ORDER_ERROR_011");
  });

  it("pages search results and answers an empty search with null paging", async () => {
    const { sim, call } = await start();
    const from = new Date(Date.now() - 3_600_000);
    sim.seedOrders({ count: 45, progress: 300, from, to: now() });
    const page2 = await call(
      "POST",
      "/es/2.0/order/searchOrder/",
      search(from, now(), {
        orderProgressList: [300],
        PaginationRequestModel: { requestRecordsAmount: 20, requestPage: 2 },
      }),
    );
    expect(page2.body.orderNumberList).toHaveLength(20);
    expect(page2.body.PaginationResponseModel).toEqual({
      totalRecordsAmount: 45,
      totalPages: 3,
      requestPage: 2,
    });

    const none = await call(
      "POST",
      "/es/2.0/order/searchOrder/",
      search(from, now(), { orderProgressList: [900] }),
    );
    expect(none.body).toMatchObject({
      orderNumberList: [],
      PaginationResponseModel: { totalRecordsAmount: null },
    });
  });

  it("wants getOrder's version and at most 100 order numbers", async () => {
    const { sim, call } = await start();
    const [order] = sim.seedOrders({ count: 1 });
    const noVersion = await call("POST", "/es/2.0/order/getOrder/", {
      orderNumberList: [order?.orderNumber],
    });
    expect(noVersion.status).toBe(400);
    const tooMany = await call("POST", "/es/2.0/order/getOrder/", {
      orderNumberList: Array.from({ length: 101 }, (_, i) => `x-${i}`),
      version: 10,
    });
    expect(tooMany.status).toBe(400);
    const found = await call("POST", "/es/2.0/order/getOrder/", {
      orderNumberList: [order?.orderNumber, "nope"],
      version: 10,
    });
    expect(found.body.OrderModelList).toHaveLength(1);
    expect(found.body.MessageModelList.map((m: { messageCode: string }) => m.messageCode)).toEqual([
      "ORDER_EXT_API_GET_ORDER_INFO_101",
      "ORDER_EXT_API_GET_ORDER_ERROR_101",
    ]);
  });

  it("accepts a shipping update now and answers its result later; the order moves 300 → 500", async () => {
    const { sim, call } = await start({ shippingResultMs: "manual" });
    const [order] = sim.seedOrders({ count: 1, progress: 300 });
    const basketId = order?.PackageModelList[0]?.basketId;
    const accepted = await call("POST", "/es/2.0/order/updateOrderShippingAsync/", {
      OrderShippingModelList: [
        {
          orderNumber: order?.orderNumber,
          BasketidModelList: [
            {
              basketId,
              ShippingModelList: [
                { deliveryCompany: "1002", shippingNumber: "123", shippingDate: "2026-11-23" },
              ],
            },
          ],
        },
      ],
    });
    const requestId = accepted.body.MessageModelList[0].requestId;
    const pending = await call("POST", "/es/2.0/order/getResultUpdateOrderShippingAsync/", { requestId });
    expect(pending.body.ResultShippingModelList[0].MessageModelList[0].messageCode).toBe(
      "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101",
    );

    sim.processShipping();
    const result = await call("POST", "/es/2.0/order/getResultUpdateOrderShippingAsync/", { requestId });
    expect(result.body.ResultShippingModelList[0]).toMatchObject({ orderNumber: order?.orderNumber });
    expect(sim.state.order(order?.orderNumber as string).orderProgress).toBe(500);

    const byName = await call("POST", "/es/2.0/order/updateOrderShippingAsync/", {
      OrderShippingModelList: [
        {
          orderNumber: order?.orderNumber,
          BasketidModelList: [
            {
              basketId,
              ShippingModelList: [
                { deliveryCompany: "佐川急便", shippingNumber: "1", shippingDate: "2026-11-23" },
              ],
            },
          ],
        },
      ],
    });
    expect(byName.body.MessageModelList[0].messageCode).toBe(
      "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_011",
    );
  });

  it("writes inventories in batches of at most 400 with 204, refusing unlimited-stock items by row", async () => {
    const { sim, call } = await start();
    const row = (i: number) => ({ manageNumber: "bulk", variantId: `v${i}`, mode: "ABSOLUTE", quantity: 1 });
    const tooMany = await call("POST", "/es/2.0/inventories/bulk-upsert", {
      inventories: Array.from({ length: 401 }, (_, i) => row(i)),
    });
    expect(tooMany.status).toBe(400);
    expect((await call("POST", "/es/2.0/inventories/bulk-upsert", { inventories: [row(1)] })).status).toBe(
      204,
    );
    const unlimited = await call("POST", "/es/2.0/inventories/bulk-upsert", {
      inventories: [row(2), { manageNumber: "gift-card", variantId: "1000", mode: "ABSOLUTE", quantity: 3 }],
    });
    expect(unlimited.body.errors[0]).toMatchObject({
      code: "IE0105",
      metadata: { propertyPath: "inventories[1]" },
    });
    expect(sim.inventoryOf("bulk", "v2")).toBeUndefined(); // nothing of a refused batch is written
  });

  it("answers 429 with Retry-After beyond its rate", async () => {
    const { call } = await start({ requestsPerSecond: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GET", "/es/2.0/items/search?hits=1")).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
