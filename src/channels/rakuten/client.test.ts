// Contract tests of the requests Kura sends: paths, methods, the ESA header and the bodies, pinned against
// a loopback server that records them and answers in RMS's documented shapes.
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChannelError } from "../errors.ts";
import { createRakutenClient } from "./client.ts";

interface Recorded {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: unknown;
}

let server: FastifyInstance;
let baseUrl: string;
const recorded: Recorded[] = [];
const answers = new Map<string, { status: number; body: unknown; type?: string }>();

beforeAll(async () => {
  server = Fastify();
  server.all("/*", async (request, reply) => {
    recorded.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      body: request.body,
    });
    const answer = answers.get(request.url.split("?")[0] ?? "") ?? { status: 404, body: {} };
    if (answer.type) reply.type(answer.type);
    return reply.code(answer.status).send(answer.body);
  });
  await server.listen({ port: 0, host: "127.0.0.1" });
  const address = server.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => server.close());

const client = () =>
  createRakutenClient({
    baseUrl,
    serviceSecret: "SP338512_secret",
    licenseKey: "SL338512_key",
    requestsPerSecond: 50,
  });
const last = () => recorded[recorded.length - 1] as Recorded;

describe("requests to RMS", () => {
  it("authorizes with ESA Base64(serviceSecret:licenseKey) and sends searchOrder as JSON", async () => {
    answers.set("/es/2.0/order/searchOrder/", {
      status: 200,
      body: {
        orderNumberList: ["338512-20261120-00000001"],
        MessageModelList: [
          {
            messageType: "INFO",
            messageCode: "ORDER_EXT_API_SEARCH_ORDER_INFO_101",
            message: "注文検索に成功しました。",
          },
        ],
        PaginationResponseModel: { totalRecordsAmount: 1, totalPages: 1, requestPage: 1 },
      },
    });

    const page = await client().searchOrders({
      from: new Date("2026-11-01T00:00:00+09:00"),
      to: new Date("2026-11-20T23:59:59+09:00"),
      statuses: [100, 200, 300, 400, 800, 900],
      page: 2,
      pageSize: 1000,
    });

    expect(page).toEqual({ orderNumbers: ["338512-20261120-00000001"], total: 1, totalPages: 1 });
    expect(last()).toEqual({
      method: "POST",
      url: "/es/2.0/order/searchOrder/",
      authorization: `ESA ${Buffer.from("SP338512_secret:SL338512_key").toString("base64")}`,
      contentType: "application/json; charset=utf-8",
      body: {
        dateType: 1,
        startDatetime: "2026-11-01T00:00:00+0900",
        endDatetime: "2026-11-20T23:59:59+0900",
        orderProgressList: [100, 200, 300, 400, 800, 900],
        PaginationRequestModel: {
          requestRecordsAmount: 1000,
          requestPage: 2,
          SortModelList: [{ sortColumn: 1, sortDirection: 1 }],
        },
      },
    });
  });

  it("asks getOrder for the newest version, and confirmOrder by order numbers", async () => {
    answers.set("/es/2.0/order/getOrder/", {
      status: 200,
      body: { MessageModelList: [], OrderModelList: [], version: 10 },
    });
    answers.set("/es/2.0/order/confirmOrder/", { status: 200, body: { MessageModelList: [] } });

    await client().getOrders(["a", "b"]);
    expect(last().body).toEqual({ orderNumberList: ["a", "b"], version: 10 });
    await client().confirmOrders(["a"]);
    expect(last()).toMatchObject({ url: "/es/2.0/order/confirmOrder/", body: { orderNumberList: ["a"] } });
  });

  it("sends shipping updates as OrderShippingModelList and reads the request id", async () => {
    answers.set("/es/2.0/order/updateOrderShippingAsync/", {
      status: 200,
      body: {
        MessageModelList: [
          {
            messageType: "INFO",
            messageCode: "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_INFO_101",
            message: "発送情報の更新を受付けました。",
            requestId: "ede66c43-0000-4000-8000-000000000001_20261121120000",
          },
        ],
      },
    });
    const order = {
      orderNumber: "a",
      BasketidModelList: [
        {
          basketId: 1,
          ShippingModelList: [{ deliveryCompany: "1001", shippingNumber: "1", shippingDate: "2026-11-21" }],
        },
      ],
    };

    const requestId = await client().updateShippingAsync([order]);

    expect(requestId).toBe("ede66c43-0000-4000-8000-000000000001_20261121120000");
    expect(last().body).toEqual({ OrderShippingModelList: [order] });
    answers.set("/es/2.0/order/getResultUpdateOrderShippingAsync/", {
      status: 200,
      body: { ResultShippingModelList: [] },
    });
    await client().getShippingResult(requestId);
    expect(last().body).toEqual({ requestId });
  });

  it("posts inventories to bulk-upsert, and reads a 400 as the rows RMS refused", async () => {
    answers.set("/es/2.0/inventories/bulk-upsert", { status: 204, body: "" });
    const rows = [{ manageNumber: "yunomi", variantId: "ao", mode: "ABSOLUTE" as const, quantity: 3 }];
    expect(await client().upsertInventories(rows)).toEqual({ written: true });
    expect(last()).toMatchObject({ method: "POST", body: { inventories: rows } });

    const errors = [
      {
        code: "IE0003",
        message: "quantity must be between 0 and 99999.",
        metadata: { propertyPath: "inventories[0].quantity" },
      },
    ];
    answers.set("/es/2.0/inventories/bulk-upsert", { status: 400, body: { errors } });
    expect(await client().upsertInventories(rows)).toEqual({ errors });
  });

  it("pages items.search by cursor mark, 100 at a time", async () => {
    answers.set("/es/2.0/items/search", {
      status: 200,
      body: { numFound: 0, offset: 0, nextCursorMark: "*", results: [] },
    });
    await client().searchItems({ cursorMark: "*", hits: 100, updatedFrom: "2026-11-01" });
    expect(last()).toMatchObject({
      method: "GET",
      url: "/es/2.0/items/search?hits=100&cursorMark=*&updatedFrom=2026-11-01",
    });
  });

  it("turns ES01-01 into an auth error that tells the merchant to reissue the license key", async () => {
    answers.set("/es/2.0/order/getOrder/", {
      status: 401,
      body: { Results: { errorCode: "ES01-01", message: "Un-Authorised" } },
    });

    const error = await client()
      .getOrders(["a"])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind: "auth", code: "ES01-01", channelMessage: "Un-Authorised" });
    expect((error as Error).message).toMatch(/license key lasts 90 days/);
  });

  it("reads navigation.genre.get's NG status as an auth refusal", async () => {
    answers.set("/es/1.0/navigation/genre/get", {
      status: 200,
      type: "text/xml",
      body: "<result><status><interfaceId>navigation.genre.get</interfaceId><systemStatus>NG</systemStatus><message>AuthError</message><requestId/></status></result>",
    });
    await expect(client().getGenre()).rejects.toMatchObject({ kind: "auth", channelMessage: "AuthError" });
    expect(last().url).toBe("/es/1.0/navigation/genre/get?genreId=0");
  });
});
