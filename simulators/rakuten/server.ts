// The Rakuten RMS simulator: a loopback HTTP server of the RMS endpoints Kura uses (README.md), faithful to
// their published shapes and limits, with ESA authorization, a license key that expires, 429s, async
// shipping results, and an admin API that moves orders through their progress codes.
import { XMLBuilder } from "fast-xml-parser";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { hang, listenOnLoopback } from "../kit/server.ts";
import { type GenerateOptions, toJstIso } from "./generate.ts";
import { deliveryCompanies, type Fault, message, RakutenState, type ShippingRow } from "./state.ts";
import type { ItemRecord, OrderModel, OrderProgress } from "./wire.ts";
import { orderProgresses } from "./wire.ts";

export const limits = {
  searchWindowDays: 63,
  lookbackDays: 730,
  maxRecordsPerPage: 1000,
  defaultRecordsPerPage: 30,
  maxSearchResults: 15_000,
  maxOrdersPerGetOrder: 100,
  maxOrdersPerConfirm: 100,
  maxOrdersPerShippingRequest: 100,
  maxShippingRowsPerBasket: 20,
  maxShippingNumberLength: 120,
  maxInventoriesPerUpsert: 400,
  maxQuantity: 99_999,
  maxItemHits: 100,
  maxItemOffset: 10_000,
  getOrderVersions: [7, 8, 9, 10],
} as const;

export interface RakutenSimulatorOptions {
  port?: number;
  shopId?: string;
  serviceSecret?: string;
  licenseKey?: string;
  /** When the license key lapses (RMS: 90 days after issue). Default: 60 days from now. */
  licenseExpiresAt?: Date;
  /** Per endpoint group (order API, inventory, items, …), sliding one-second window. Default 1 (RMS's guideline). */
  requestsPerSecond?: number;
  /** How long an accepted shipping request stays without a result. Default 200 ms; "manual": until `processShipping()`. */
  shippingResultMs?: number | "manual";
  /** How long 楽天処理中 (200) lasts after confirmOrder before 300 発送待ち. Default 100 ms; "manual": until moved. */
  rakutenProcessingMs?: number | "manual";
  now?: () => Date;
}

export interface RakutenSimulator {
  url: string;
  shopId: string;
  serviceSecret: string;
  licenseKey: string;
  state: RakutenState;
  close(): Promise<void>;
  seedOrders(options: Omit<GenerateOptions, "shopId" | "firstSerial"> | OrderModel[]): OrderModel[];
  seedItems(items: ItemRecord[]): void;
  setProgress(orderNumber: string, progress: OrderProgress): void;
  /** Issues a new license key (the merchant reissued it in RMS); the old one stops working. */
  reissueLicenseKey(licenseKey: string, expiresAt: Date): void;
  /** The license key lapses now (RMS answers ES01-01 from now on). */
  expireLicenseKey(): void;
  injectFaults(fault: Fault, count?: number, path?: string): void;
  processShipping(requestId?: string): void;
  inventoryOf(manageNumber: string, variantId: string): number | undefined;
}

const orderPath = "/es/2.0/order";
const dayMs = 86_400_000;

export async function startRakutenSimulator(
  options: RakutenSimulatorOptions = {},
): Promise<RakutenSimulator> {
  const shopId = options.shopId ?? "338512";
  const serviceSecret = options.serviceSecret ?? "SP338512_simulatedServiceSecret";
  const license = {
    key: options.licenseKey ?? "SL338512_simulatedLicenseKey01",
    expiresAt: options.licenseExpiresAt ?? new Date(Date.now() + 60 * dayMs),
  };
  const rate = options.requestsPerSecond ?? 1;
  const shippingResultMs = options.shippingResultMs ?? 200;
  const processingMs = options.rakutenProcessingMs ?? 100;
  const state = new RakutenState(shopId, options.now);
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 20 * 1024 * 1024 });

  app.addHook("onRequest", async (request, reply) => {
    if (request.url.startsWith("/_admin")) return;
    const group = groupOf(request.url);
    state.requestCounts[group] = (state.requestCounts[group] ?? 0) + 1;
    const fault = state.faults.next(request.url);
    if (fault) return answerFault(fault, request, reply);
    if (!authorized(request.headers.authorization)) return refuseAuth(request, reply);
    const retryAfter = state.admit(group, rate);
    if (retryAfter !== undefined) {
      return reply
        .code(429)
        .header("retry-after", String(retryAfter))
        .send({ Results: { errorCode: "ES06-01", message: "Too Many Requests" } });
    }
  });

  function authorized(header: string | undefined): boolean {
    const encoded = header?.match(/^ESA (.+)$/)?.[1];
    if (!encoded) return false;
    const [secret, key] = Buffer.from(encoded, "base64").toString("ascii").split(":");
    return secret === serviceSecret && key === license.key && license.expiresAt > state.now();
  }

  // ---- order API (RakutenPay 受注API) -------------------------------------------------------------------

  app.post(`${orderPath}/searchOrder/`, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const fail = (code: string, text: string) =>
      reply
        .code(400)
        .send({ MessageModelList: [message("ERROR", `ORDER_EXT_API_SEARCH_ORDER_ERROR_${code}`, text)] });
    if (!isRecord(body)) return fail("001", "リクエストの形式が不正です。");
    const dateType = body.dateType;
    if (dateType === undefined || dateType === null) return fail("009", "期間検索種別を指定してください。");
    if (![1, 2, 3, 4, 5, 6].includes(dateType as number)) return fail("011", "期間検索種別の値が不正です。");
    const start = parseRmsDateTime(body.startDatetime);
    const end = parseRmsDateTime(body.endDatetime);
    if (!start || !end)
      return fail("011", "期間検索開始日時・終了日時の形式が不正です。(yyyy-MM-ddTHH:mm:ss+0900)");
    if (start > end) return fail("012", "期間検索開始日時は期間検索終了日時より前の日時を指定してください。");
    if (start.getTime() < state.now().getTime() - limits.lookbackDays * dayMs) {
      return fail("013", `期間検索開始日時は過去${limits.lookbackDays}日以内を指定してください。`);
    }
    if (end.getTime() - start.getTime() > limits.searchWindowDays * dayMs) {
      return fail(
        "014",
        `期間検索終了日時は期間検索開始日時から${limits.searchWindowDays}日以内を指定してください。`,
      );
    }
    const progressList = body.orderProgressList;
    if (progressList !== undefined && progressList !== null) {
      if (!Array.isArray(progressList) || progressList.some((p) => !orderProgresses.includes(p))) {
        return fail("011", "ステータスリストの値が不正です。");
      }
    }
    const paging = isRecord(body.PaginationRequestModel) ? body.PaginationRequestModel : {};
    const amount = paging.requestRecordsAmount ?? limits.defaultRecordsPerPage;
    const page = paging.requestPage ?? 1;
    if (
      !Number.isInteger(amount) ||
      (amount as number) < 1 ||
      (amount as number) > limits.maxRecordsPerPage
    ) {
      return fail("011", `取得件数は1〜${limits.maxRecordsPerPage}の範囲で指定してください。`);
    }
    if (!Number.isInteger(page) || (page as number) < 1)
      return fail("011", "リクエストページ番号の値が不正です。");
    const sort =
      Array.isArray(paging.SortModelList) && isRecord(paging.SortModelList[0]) ? paging.SortModelList[0] : {};
    const descending = sort.sortDirection === 2;

    const field = dateFields[dateType as number];
    const matching = [...state.orders.values()]
      .filter((order) => {
        const at = parseRmsDateTime(field ? order[field] : null);
        if (!at || at < start || at > end) return false;
        return !Array.isArray(progressList) || progressList.includes(order.orderProgress);
      })
      .sort(
        (a, b) =>
          a.orderDatetime.localeCompare(b.orderDatetime) || a.orderNumber.localeCompare(b.orderNumber),
      );
    if (descending) matching.reverse();
    const visible = matching.slice(0, limits.maxSearchResults);
    if (visible.length === 0) {
      return {
        orderNumberList: [],
        MessageModelList: [message("INFO", "ORDER_EXT_API_SEARCH_ORDER_INFO_102", "注文検索結果が0件です。")],
        PaginationResponseModel: { totalRecordsAmount: null, totalPages: null, requestPage: null },
      };
    }
    const size = amount as number;
    const from = ((page as number) - 1) * size;
    return {
      orderNumberList: visible.slice(from, from + size).map((o) => o.orderNumber),
      MessageModelList: [message("INFO", "ORDER_EXT_API_SEARCH_ORDER_INFO_101", "注文検索に成功しました。")],
      PaginationResponseModel: {
        totalRecordsAmount: matching.length,
        totalPages: Math.ceil(visible.length / size),
        requestPage: page,
      },
    };
  });

  app.post(`${orderPath}/getOrder/`, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const fail = (code: string, text: string) =>
      reply
        .code(400)
        .send({ MessageModelList: [message("ERROR", `ORDER_EXT_API_GET_ORDER_ERROR_${code}`, text)] });
    const numbers = isRecord(body) ? body.orderNumberList : undefined;
    if (!Array.isArray(numbers) || numbers.length === 0)
      return fail("001", "注文番号リストを指定してください。");
    if (numbers.length > limits.maxOrdersPerGetOrder) {
      return fail("002", `注文番号リストは${limits.maxOrdersPerGetOrder}件以内で指定してください。`);
    }
    const version = body.version;
    if (version === undefined || version === null) return fail("005", "バージョン番号を指定してください。");
    if (!limits.getOrderVersions.includes(version as 7)) return fail("006", "バージョン番号が不正です。");
    const found: OrderModel[] = [];
    const messages = [];
    for (const orderNumber of numbers) {
      const order = state.orders.get(String(orderNumber));
      if (order) found.push(order);
      else
        messages.push(
          message(
            "ERROR",
            "ORDER_EXT_API_GET_ORDER_ERROR_101",
            "指定された注文番号が存在しません。",
            String(orderNumber),
          ),
        );
    }
    if (found.length > 0)
      messages.unshift(message("INFO", "ORDER_EXT_API_GET_ORDER_INFO_101", "受注情報取得に成功しました。"));
    return { MessageModelList: messages, OrderModelList: found, version };
  });

  app.post(`${orderPath}/confirmOrder/`, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const numbers = isRecord(body) ? body.orderNumberList : undefined;
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.length > limits.maxOrdersPerConfirm) {
      return reply.code(400).send({
        MessageModelList: [
          message(
            "ERROR",
            "ORDER_EXT_API_CONFIRM_ORDER_ERROR_001",
            `注文番号リストは1〜${limits.maxOrdersPerConfirm}件で指定してください。`,
          ),
        ],
      });
    }
    const messages = numbers.map((n) => state.confirm(String(n)));
    for (const m of messages) {
      if (m.messageType !== "INFO" || !m.orderNumber || processingMs === "manual") continue;
      const orderNumber = m.orderNumber;
      later(processingMs, () => {
        if (state.orders.get(orderNumber)?.orderProgress === 200) state.setProgress(orderNumber, 300);
      });
    }
    return { MessageModelList: messages };
  });

  app.post(`${orderPath}/updateOrderShippingAsync/`, async (request, reply) => {
    const problem = (text: string, orderNumber?: string) =>
      reply.code(400).send({
        MessageModelList: [
          message("ERROR", "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_011", text, orderNumber),
        ],
      });
    const body = request.body as Record<string, unknown>;
    const list = isRecord(body) ? body.OrderShippingModelList : undefined;
    if (!Array.isArray(list) || list.length === 0) return problem("発送情報リストを指定してください。");
    if (list.length > limits.maxOrdersPerShippingRequest) {
      return problem(`一度に指定できる注文は${limits.maxOrdersPerShippingRequest}件までです。`);
    }
    const orders: Array<{ orderNumber: string; rows: ShippingRow[] }> = [];
    for (const entry of list) {
      const orderNumber = isRecord(entry) && typeof entry.orderNumber === "string" ? entry.orderNumber : "";
      if (!orderNumber) return problem("注文番号を指定してください。");
      if (orders.some((o) => o.orderNumber === orderNumber))
        return problem("注文番号が重複しています。", orderNumber);
      const baskets = isRecord(entry) ? entry.BasketidModelList : undefined;
      if (!Array.isArray(baskets) || baskets.length === 0)
        return problem("送付先IDリストを指定してください。", orderNumber);
      const rows: ShippingRow[] = [];
      for (const basket of baskets) {
        const basketId = isRecord(basket) ? basket.basketId : undefined;
        const shippingList = isRecord(basket) ? basket.ShippingModelList : undefined;
        if (typeof basketId !== "number") return problem("送付先IDを指定してください。", orderNumber);
        if (!Array.isArray(shippingList) || shippingList.length === 0)
          return problem("発送情報を指定してください。", orderNumber);
        if (shippingList.length > limits.maxShippingRowsPerBasket) {
          return problem(
            `発送情報は1送付先につき${limits.maxShippingRowsPerBasket}件までです。`,
            orderNumber,
          );
        }
        for (const row of shippingList) {
          const invalid = shippingRowProblem(row);
          if (invalid) return problem(invalid, orderNumber);
          rows.push({ basketId, ...(row as Omit<ShippingRow, "basketId">) });
        }
      }
      orders.push({ orderNumber, rows });
    }
    const accepted = state.acceptShipping(orders);
    if (shippingResultMs !== "manual")
      later(shippingResultMs, () => state.processShipping(accepted.requestId));
    return {
      MessageModelList: [
        {
          ...message(
            "INFO",
            "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_INFO_101",
            "発送情報の更新を受付けました。",
          ),
          requestId: accepted.requestId,
        },
      ],
    };
  });

  app.post(`${orderPath}/getResultUpdateOrderShippingAsync/`, async (request) => {
    const body = request.body as Record<string, unknown>;
    const requestId = isRecord(body) && typeof body.requestId === "string" ? body.requestId : "";
    const found = state.shippingRequests.get(requestId);
    if (!found?.results) {
      // RMS cannot tell "still processing" from "no such request": one answer for both.
      return {
        ResultShippingModelList: [
          {
            MessageModelList: [
              message(
                "INFO",
                "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101",
                "指定されたリクエストIDの処理結果は存在しませんでした。",
              ),
            ],
          },
        ],
      };
    }
    return { ResultShippingModelList: found.results };
  });

  // ---- inventory API 2.0 / 2.1 ------------------------------------------------------------------------

  for (const version of ["2.0", "2.1"]) {
    app.post(`/es/${version}/inventories/bulk-upsert`, async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      const inventories = isRecord(body) ? body.inventories : undefined;
      const errors: Array<{ code: string; message: string; metadata: { propertyPath: string } }> = [];
      const error = (code: string, text: string, path: string) =>
        errors.push({ code, message: text, metadata: { propertyPath: path } });
      if (!Array.isArray(inventories) || inventories.length === 0) {
        error("IE0001", "inventories must not be empty.", "inventories");
      } else if (inventories.length > limits.maxInventoriesPerUpsert) {
        error(
          "IE0001",
          `inventories size must be between 1 and ${limits.maxInventoriesPerUpsert}.`,
          "inventories",
        );
      } else {
        state.inventoryBatches.push(inventories);
        inventories.forEach((entry, index) => {
          const path = `inventories[${index}]`;
          const row = isRecord(entry) ? entry : {};
          const manageNumber = typeof row.manageNumber === "string" ? row.manageNumber : "";
          const variantId = typeof row.variantId === "string" ? row.variantId : "";
          if (!manageNumber || Buffer.byteLength(manageNumber) > 32) {
            error("IE0004", "Max length of manageNumber must be within 32 bytes.", `${path}.manageNumber`);
          }
          if (!variantId || Buffer.byteLength(variantId) > 32) {
            error("IE0004", "Max length of variantId must be within 32 bytes.", `${path}.variantId`);
          }
          if (row.mode !== "ABSOLUTE" && row.mode !== "RELATIVE")
            error("IE0002", "mode must be ABSOLUTE or RELATIVE.", `${path}.mode`);
          const quantity = row.quantity;
          if (
            !Number.isInteger(quantity) ||
            (quantity as number) < 0 ||
            (quantity as number) > limits.maxQuantity
          ) {
            error("IE0003", `quantity must be between 0 and ${limits.maxQuantity}.`, `${path}.quantity`);
          }
          const known = state.items.get(manageNumber.toLowerCase());
          if (known?.unlimitedInventoryFlag) {
            error("IE0105", "在庫設定なしの商品の在庫は更新できません。", path);
          }
          if (row.mode === "RELATIVE" && !state.inventoryOf(manageNumber, variantId)) {
            error("IE0121", "A new inventory must be registered in ABSOLUTE mode.", `${path}.mode`);
          }
        });
      }
      if (errors.length > 0) return reply.code(400).send({ errors });
      for (const row of inventories as Array<{
        manageNumber: string;
        variantId: string;
        mode: string;
        quantity: number;
      }>) {
        const current = state.inventoryOf(row.manageNumber, row.variantId)?.quantity ?? 0;
        const next =
          row.mode === "ABSOLUTE"
            ? row.quantity
            : Math.min(limits.maxQuantity, Math.max(0, current + row.quantity));
        state.setInventory(row.manageNumber, row.variantId, next);
      }
      return reply.code(204).send();
    });
  }

  // ---- item API 2.0 (items.search) ----------------------------------------------------------------------

  app.get("/es/2.0/items/search", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const fail = (text: string) => reply.code(400).send({ errors: [{ code: "GE0001", message: text }] });
    const hits = query.hits === undefined ? 10 : Number(query.hits);
    if (!Number.isInteger(hits) || hits < 1 || hits > limits.maxItemHits)
      return fail(`hits must be between 1 and ${limits.maxItemHits}.`);
    if (query.offset !== undefined && query.cursorMark !== undefined)
      return fail("offset and cursorMark cannot be specified together.");
    if (query.cursorMark !== undefined && (query.sortKey !== undefined || query.sortOrder !== undefined)) {
      return fail("sortKey and sortOrder cannot be specified with cursorMark.");
    }
    const offset = query.offset === undefined ? 0 : Number(query.offset);
    if (!Number.isInteger(offset) || offset < 0 || offset > limits.maxItemOffset)
      return fail(`offset must be between 0 and ${limits.maxItemOffset}.`);
    const updatedFrom = query.updatedFrom;
    if (updatedFrom !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(updatedFrom))
      return fail("updatedFrom must be YYYY-MM-DD.");
    const all = [...state.items.values()]
      .filter((it) => !updatedFrom || it.updated.slice(0, 10) >= updatedFrom)
      .sort((a, b) => a.manageNumber.localeCompare(b.manageNumber));
    let start = offset;
    if (query.cursorMark !== undefined) {
      start = query.cursorMark === "*" ? 0 : decodeCursorMark(query.cursorMark);
      if (Number.isNaN(start)) return fail("cursorMark is invalid.");
    }
    const page = all.slice(start, start + hits);
    return {
      numFound: all.length,
      offset: start,
      ...(query.cursorMark !== undefined
        ? { nextCursorMark: page.length === 0 ? query.cursorMark : encodeCursorMark(start + page.length) }
        : {}),
      results: page.map((it) => ({ item: it })),
    };
  });

  // ---- navigation.genre.get (XML, the connection test) and the license key's expiry ---------------------

  app.get("/es/1.0/navigation/genre/get", async (request, reply) => {
    const genreId = (request.query as { genreId?: string }).genreId ?? "0";
    return reply.type("text/xml; charset=utf-8").send(
      xml.build({
        result: {
          status: {
            interfaceId: "navigation.genre.get",
            systemStatus: "OK",
            message: "OK",
            requestId: `sim-${Date.now()}`,
            requests: { genreId },
          },
          navigationGenreGetResult: {
            status: "Success",
            genre: {
              genreId,
              genreName: genreId === "0" ? "" : "日本茶",
              genreLevel: genreId === "0" ? 0 : 2,
              itemRegisterFlg: 1,
            },
          },
        },
      }),
    );
  });

  app.get("/es/1.0/license-management/license-key/expiry-date", async (request, reply) => {
    const licenseKey = (request.query as { licenseKey?: string }).licenseKey;
    if (licenseKey !== license.key)
      return reply.code(400).send({ errors: [{ code: "LM0001", message: "licenseKey is invalid." }] });
    return { expiryDate: toJstIso(license.expiresAt) };
  });

  // ---- admin API (tests and the demo; RMS has nothing like it) ----------------------------------------

  app.post("/_admin/orders/seed", async (request) => {
    const body = (request.body ?? {}) as {
      count?: number;
      progress?: OrderProgress;
      seed?: number;
      days?: number;
    };
    const to = state.now();
    const seeded = state.seedOrders({
      count: body.count ?? 100,
      progress: body.progress,
      seed: body.seed,
      from: new Date(to.getTime() - (body.days ?? 3) * dayMs),
      to,
    });
    return { orderNumbers: seeded.map((o) => o.orderNumber) };
  });

  app.post("/_admin/orders/:orderNumber/progress", async (request, reply) => {
    const { orderNumber } = request.params as { orderNumber: string };
    const progress = (request.body as { progress?: number })?.progress;
    if (!orderProgresses.includes(progress as OrderProgress))
      return reply.code(400).send({ error: "progress must be one of 100…900" });
    if (!state.orders.has(orderNumber)) return reply.code(404).send({ error: `no order ${orderNumber}` });
    return state.setProgress(orderNumber, progress as OrderProgress);
  });

  app.get("/_admin/orders/:orderNumber", async (request, reply) => {
    const order = state.orders.get((request.params as { orderNumber: string }).orderNumber);
    return order ?? reply.code(404).send({ error: "no such order" });
  });

  app.post("/_admin/license", async (request) => {
    const body = request.body as { licenseKey?: string; expiresAt?: string };
    if (body?.licenseKey) license.key = body.licenseKey;
    if (body?.expiresAt) license.expiresAt = new Date(body.expiresAt);
    return { licenseKey: license.key, expiresAt: license.expiresAt.toISOString() };
  });

  const url = await listenOnLoopback(app, options.port);

  return {
    url,
    shopId,
    serviceSecret,
    get licenseKey() {
      return license.key;
    },
    state,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await app.close();
    },
    seedOrders: (seed) => state.seedOrders(seed),
    seedItems: (items) => state.seedItems(items),
    setProgress: (orderNumber, progress) => void state.setProgress(orderNumber, progress),
    reissueLicenseKey(licenseKey, expiresAt) {
      license.key = licenseKey;
      license.expiresAt = expiresAt;
    },
    expireLicenseKey() {
      license.expiresAt = new Date(state.now().getTime() - 1000);
    },
    injectFaults: (fault, count, path) => state.faults.add(fault, count, path),
    processShipping(requestId) {
      for (const id of requestId ? [requestId] : [...state.shippingRequests.keys()])
        state.processShipping(id);
    },
    inventoryOf: (manageNumber, variantId) => state.inventoryOf(manageNumber, variantId)?.quantity,
  };
}

const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });

/** Which search date each `dateType` filters on. */
const dateFields: Record<number, keyof OrderModel | undefined> = {
  1: "orderDatetime",
  2: "shopOrderCfmDatetime",
  3: "orderFixDatetime",
  4: "shippingInstDatetime",
  5: "shippingCmplRptDatetime",
  6: undefined,
};

function groupOf(url: string): string {
  if (url.startsWith(orderPath)) return "order";
  if (url.includes("/inventories/")) return "inventory";
  if (url.includes("/items/")) return "item";
  if (url.includes("/navigation/")) return "navigation";
  return "license";
}

/** ES01-01 as RMS sends it: a wrong secret, a wrong key and an expired key all look the same. */
function refuseAuth(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.url.startsWith("/es/1.0/navigation")) {
    return reply.type("text/xml; charset=utf-8").send(
      xml.build({
        result: {
          status: {
            interfaceId: "navigation.genre.get",
            systemStatus: "NG",
            message: "AuthError",
            requestId: "",
            requests: "",
          },
        },
      }),
    );
  }
  return reply.code(401).send({ Results: { errorCode: "ES01-01", message: "Un-Authorised" } });
}

async function answerFault(
  fault: Fault,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (fault.kind === "rate_limit") {
    const answer = reply.code(429);
    if (fault.retryAfterSeconds !== undefined) answer.header("retry-after", String(fault.retryAfterSeconds));
    return answer.send({ Results: { errorCode: "ES06-01", message: "Too Many Requests" } });
  }
  if (fault.kind === "hang") await hang(request, fault.ms);
  const status = fault.kind === "error" ? fault.status : 504;
  return reply.code(status).send({
    MessageModelList: [message("ERROR", "ORDER_EXT_API_SYSTEM_ERROR", "システムエラーが発生しました。")],
  });
}

function shippingRowProblem(row: unknown): string | undefined {
  if (!isRecord(row)) return "発送情報の形式が不正です。";
  if (typeof row.deliveryCompany !== "string" || !(row.deliveryCompany in deliveryCompanies)) {
    return "配送会社はコードで指定してください。";
  }
  if (typeof row.shippingNumber !== "string" || row.shippingNumber.length === 0)
    return "発送伝票番号を指定してください。";
  if (row.shippingNumber.length > limits.maxShippingNumberLength) {
    return `発送伝票番号は${limits.maxShippingNumberLength}文字以内で指定してください。`;
  }
  if (typeof row.shippingDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(row.shippingDate)) {
    return "発送日はYYYY-MM-DDの形式で指定してください。";
  }
  return undefined;
}

/** `yyyy-MM-ddTHH:mm:ss+0900` only: RMS refuses `+09:00`. */
function parseRmsDateTime(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const parts = value.match(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-])(\d{2})(\d{2})$/);
  if (!parts) return null;
  const date = new Date(`${parts[1]}${parts[2]}${parts[3]}:${parts[4]}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const encodeCursorMark = (position: number) => Buffer.from(`pos:${position}`).toString("base64url");
function decodeCursorMark(mark: string): number {
  const text = Buffer.from(mark, "base64url").toString("utf8");
  return text.startsWith("pos:") ? Number(text.slice(4)) : Number.NaN;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
