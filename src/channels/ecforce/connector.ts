// ecforce's connector (Admin API v2). The store's settings decide what it does: import orders (optionally only
// those due to ship today or earlier), send shipment notices (tracking number and ship date; optionally with
// 売上処理 and a change of 対応状況), and push stock at the store's stock location code.
import { z } from "zod";
import { positionCursors } from "../common/cursor.ts";
import { missing, readSettings } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type {
  ConnectorCapabilities,
  ConnectorFactory,
  OrderPage,
  OrderWindow,
  StockItem,
  StockItemResult,
} from "../types.ts";
import { readEach } from "../unreadable.ts";
import { ceilToSecond, channel, createEcforceClient, type OrderQuery } from "./client.ts";
import {
  findCarrierId,
  fromWireTime,
  isDueForShipment,
  jstToday,
  nextJstMidnight,
  type Resource,
  toOrderInput,
  toStockItemResult,
} from "./map.ts";

const pageSize = 100;

/** The store's ecforce settings (`stores.settings`); other keys belong to Kura (lookbackDays, …). */
export const ecforceOptionsSchema = z.looseObject({
  /** API endpoint URL, e.g. https://shop.example.com/api/v2 */
  endpoint: z.url({ error: "must be the API endpoint URL (https://…/api/v2)" }),
  /** API user login (the admin the token belongs to), shown to say which account Kura uses. */
  apiUserLogin: z.string({ error: "is required" }).trim().min(1, "is required"),
  /** 在庫ロケーションコード: where stock is set. */
  locationCode: z.string({ error: "is required" }).trim().min(1, "is required"),
  /** 受注を自動で取り込む */
  importOrders: z.boolean("must be true or false").default(true),
  /** 出荷通知を自動で送る (ship date and tracking number) */
  sendShipmentNotices: z.boolean("must be true or false").default(true),
  /** 出荷通知と一緒に売上処理を行う */
  runSalesOnShipment: z.boolean("must be true or false").default(false),
  /** 出荷予定日が今日以前の受注だけを取り込む */
  importOnlyDueOrders: z.boolean("must be true or false").default(false),
  /** 出荷通知で対応状況を変更する: the state code to set, or null to leave it. */
  stateOnShipment: z
    .string("must be a state code or null")
    .trim()
    .min(1, "must not be empty")
    .nullable()
    .default(null),
  /** 対応状況 codes that mean the order was cancelled in ecforce. */
  cancelledStates: z.array(z.string().min(1), "must be a list of state codes").default(["canceled"]),
  /** Kura carrier name → ecforce shipping carrier id, where the names differ. */
  carrierIds: z.record(z.string(), z.number().int().positive(), "must map carrier names to ids").default({}),
  /** ecforce does not publish its limit; integrators pace one request per 2 s. */
  requestsPerSecond: z.number("must be a number").positive().max(100).default(0.5),
});
export type EcforceOptions = z.infer<typeof ecforceOptionsSchema>;

export function readEcforceOptions(options: Record<string, unknown> | undefined): EcforceOptions {
  return readSettings(channel, ecforceOptionsSchema, options);
}

export function ecforceCapabilities(options: EcforceOptions): ConnectorCapabilities {
  return {
    fetchOrders: options.importOrders ? { maxWindowDays: 90, maxLookbackDays: 90, pageSize } : null,
    pushedOrders: false,
    shipmentNotice: options.sendShipmentNotices ? { mode: "sync" } : null,
    stockPush: { batchSize: 100, requestsPerSecond: options.requestsPerSecond },
    productImport: false,
    requestsPerSecond: options.requestsPerSecond,
    // The token does not expire; rotating it in ecforce kills the old one at once.
    credentials: { kind: "api_key", refresh: "none" },
  };
}

/** Secrets: `apiToken`. Settings: see `ecforceOptionsSchema` (`endpoint`, `apiUserLogin`, `locationCode`). */
export const createEcforceConnector: ConnectorFactory = (settings) => {
  const options = readEcforceOptions({
    ...settings.options,
    endpoint: settings.endpoint ?? settings.options?.endpoint,
  });
  const token = settings.secrets.apiToken;
  if (!token) throw missing(channel, "its API token (apiToken), issued in ecforce's 外部サービスAPI連携");
  const client = createEcforceClient({
    baseUrl: options.endpoint,
    token,
    timeoutMs: settings.timeoutMs ?? 15_000,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const capabilities = ecforceCapabilities(options);
  let carriers: Promise<Awaited<ReturnType<typeof client.listCarriers>>> | undefined;

  async function orderIdOf(orderCode: string): Promise<string> {
    const page = await client.listOrders({ page: 1, per: 1, number: orderCode });
    const order = page.data[0];
    if (!order) {
      throw new ChannelError({
        kind: "not_found",
        channel,
        message: `${channel}: order ${orderCode} does not exist in ecforce`,
      });
    }
    return order.id;
  }

  async function carrierIdOf(carrier: string): Promise<number> {
    const configured = options.carrierIds[carrier];
    if (configured) return configured;
    carriers ??= client.listCarriers();
    const id = findCarrierId(await carriers, carrier);
    if (id !== undefined) return id;
    throw new ChannelError({
      kind: "invalid",
      channel,
      message: `${channel}: ecforce has no shipping carrier named "${carrier}"; add it in ecforce or map it in the store setting carrierIds`,
    });
  }

  return {
    channel,
    capabilities,

    async *fetchOrders(window: OrderWindow, cursor?: string | null): AsyncIterable<OrderPage> {
      const phases = planPhases(window, options.importOnlyDueOrders);
      let position: Position | null = cursor ? cursors.decode(cursor, window) : { phase: 0, page: 1 };
      while (position && position.phase < phases.length) {
        const phase = phases[position.phase] as Omit<OrderQuery, "page" | "per">;
        const answer = await client.listOrders({ ...phase, page: position.page, per: pageSize });
        const included = new Map(answer.included.map((r) => [`${r.type}:${r.id}`, r]));
        const today = jstToday(new Date());
        const due = answer.data
          .filter((order) => !options.importOnlyDueOrders || isDueForShipment(order, today))
          .filter((order) => position?.phase === 0 || !updatedIn(order, window)); // the first phase had it
        const { read: orders, rejected } = readEach(
          due,
          (order) => readOrder(order, included, options),
          (order) => ({ orderCode: String(order.attributes.number ?? order.id), payload: order }),
        );
        const next: Position | null =
          position.page < answer.meta.total_pages
            ? { phase: position.phase, page: position.page + 1 }
            : position.phase + 1 < phases.length
              ? { phase: position.phase + 1, page: 1 }
              : null;
        yield { orders, rejected, cursor: next && cursors.encode(window, next) };
        position = next;
      }
    },

    async sendShipment(notice) {
      const id = await orderIdOf(notice.orderCode);
      const carrierId = await carrierIdOf(notice.carrier);
      const answer = await client.registerShipping(
        {
          id,
          shippingSlip: notice.trackingNumber.trim(),
          carrierId,
          shippedAt: `${notice.shippedOn} 00:00:00`,
        },
        options.runSalesOnShipment,
      );
      if (!answer.success.includes(id)) {
        const error = answer.errors.find((e) => e.id === id) ?? answer.errors[0];
        throw new ChannelError({
          kind: "invalid",
          channel,
          code: error?.code,
          channelMessage: error?.message ?? "",
          message: `${channel}: the shipping result for order ${notice.orderCode} was refused${error?.code ? ` (${error.code})` : ""}`,
        });
      }
      if (options.stateOnShipment) await client.changeOrderState(id, options.stateOnShipment);
      return { status: "done" };
    },

    async pushStock(items: StockItem[]): Promise<StockItemResult[]> {
      return inBatches(items, pageSize, async (batch) => {
        const answer = await client.setStock(
          batch.map((item) => ({ sku: item.itemCode, stock: item.quantity })),
          options.locationCode,
        );
        return batch.map((item) => toStockItemResult(item, answer));
      });
    },

    async checkCredentials() {
      await client.listOrders({ page: 1, per: 1 });
      return { account: `${options.apiUserLogin} (${new URL(options.endpoint).host})`, expiresAt: null };
    },
  };
};

function updatedIn(order: Resource, window: OrderWindow): boolean {
  const updated = fromWireTime(order.attributes.updated_at as string | undefined);
  if (!updated) return false;
  const at = Date.parse(updated);
  // Wire times have whole seconds: the same bounds as the first phase's query (client.ts).
  return at >= Math.floor(window.from.getTime() / 1000) * 1000 && at < ceilToSecond(window.to).getTime();
}

function readOrder(order: Resource, included: Map<string, Resource>, options: EcforceOptions) {
  try {
    return toOrderInput(order, included, options);
  } catch (error) {
    const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
    throw new ChannelError({
      kind: "invalid",
      channel,
      message: `${channel}: order ${String(order.attributes.number ?? order.id)} arrived in an unexpected shape (${issue?.path.join(".")}: ${issue?.message ?? String(error)})`,
    });
  }
}

// ---- what one import reads ------------------------------------------------------------------------------

/**
 * Orders updated in the window; with "only orders due to ship", also the orders whose scheduled ship date
 * arrived during the window (a JST midnight inside it): they were not taken when they were last updated.
 */
export function planPhases(window: OrderWindow, onlyDue: boolean): Omit<OrderQuery, "page" | "per">[] {
  const phases: Omit<OrderQuery, "page" | "per">[] = [{ updatedFrom: window.from, updatedTo: window.to }];
  if (!onlyDue) return phases;
  const shipFrom = nextJstMidnight(window.from);
  const shipTo = nextJstMidnight(window.to);
  if (shipFrom < shipTo) phases.push({ shipFrom, shipTo });
  return phases;
}

interface Position {
  phase: number;
  page: number;
}

const cursors = positionCursors(channel, { phase: "ph", page: "p" }, "an");
