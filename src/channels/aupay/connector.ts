// au PAY マーケット connector: orders in (by order date, paged), shipment info out (tracking, then status
// 完了), stock out per item or per choice. Its API key lapses every 90 days: the merchant records the expiry
// with the key, Kura warns before it (store credentials), and once it has passed the connector refuses to
// call with the reason instead of letting the channel answer "unauthorised".
import { z } from "zod";
import { ensureKeyValid as ensureKey } from "../common/expiry.ts";
import { slicedPages } from "../common/paging.ts";
import { missing, readOrders } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { isChannelError } from "../errors.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory } from "../types.ts";
import { channel, createAuPayClient, defaultEndpoint } from "./client.ts";
import {
  awaitingShipmentStatus,
  newStatus,
  shippedStatus,
  toOrderInput,
  toShippingInfo,
  toStockResults,
  toStockUpdateItems,
  wireOrderSchema,
} from "./map.ts";

export const auPayCapabilities = {
  fetchOrders: { maxWindowDays: 31, maxLookbackDays: 90, pageSize: 1000 },
  pushedOrders: false,
  shipmentNotice: { mode: "sync" },
  stockPush: { batchSize: 100, requestsPerSecond: 2 },
  productImport: false,
  requestsPerSecond: 2,
  credentials: { kind: "api_key", refresh: "manual", lifetimeDays: 90 },
} satisfies ConnectorCapabilities;

const optionsSchema = z.looseObject({
  shopId: z.string().trim().min(1).optional(),
  /** Moves each new order (新規受付) to 発送待ち once it is imported; `false` leaves au PAY's status alone. */
  moveToAwaitingShipment: z.boolean().default(true),
});

/** Secrets: `apiKey` (recorded with its expiry date). Settings: `shopId` (the Wow! manager shop ID). */
export const createAuPayConnector: ConnectorFactory = (settings) => {
  const apiKey = settings.secrets.apiKey;
  if (!apiKey) throw missing(channel, "an API key (apiKey) issued in Wow! manager");
  const options = optionsSchema.safeParse(settings.options ?? {});
  const shopId = options.success ? options.data.shopId : undefined;
  const moveToAwaitingShipment = options.success ? options.data.moveToAwaitingShipment : true;
  if (!shopId) throw missing(channel, "its shop ID in the store settings (shopId)");
  const expiresAt = settings.secretsExpireAt?.apiKey ?? null;
  const client = createAuPayClient({
    baseUrl: settings.endpoint ?? defaultEndpoint,
    apiKey,
    shopId,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: auPayCapabilities.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const { maxWindowDays, pageSize } = auPayCapabilities.fetchOrders;
  const { batchSize } = auPayCapabilities.stockPush;

  /** A lapsed key is refused here, before any call. */
  const ensureKeyValid = () =>
    ensureKey(
      channel,
      expiresAt,
      "reissue it in Wow! manager (API key settings) and set the new key and its expiry date in Kura",
    );

  /**
   * 新規受付 → 発送待ち on au PAY, one call per order (the API has no batch), before Kura registers them: the
   * order comes in with the status it now has. An order au PAY refuses to move (cancelled meanwhile, say)
   * comes in as it is; a failure of the channel itself fails the page, which is fetched again.
   */
  async function moveNewOrders(orders: Array<{ orderCode: string; channelStatus?: string | null }>) {
    for (const order of orders) {
      if (order.channelStatus !== newStatus) continue;
      try {
        await client.updateTradeStatus(order.orderCode, awaitingShipmentStatus);
        order.channelStatus = awaitingShipmentStatus;
      } catch (error) {
        if (!isChannelError(error) || error.kind !== "invalid") throw error;
      }
    }
  }

  const connector: Connector = {
    channel,
    capabilities: auPayCapabilities,

    async *fetchOrders(window, cursor) {
      ensureKeyValid();
      yield* slicedPages(channel, window, cursor, maxWindowDays, async (slice, page) => {
        const answer = await client.searchOrders({
          from: slice.from,
          to: slice.to,
          startCount: (page - 1) * pageSize + 1,
          totalCount: pageSize,
        });
        const orders = readOrders(
          channel,
          wireOrderSchema,
          answer.response.orderInfo,
          toOrderInput,
          "orderId",
        );
        if (moveToAwaitingShipment) await moveNewOrders(orders);
        return { orders, hasNext: page * pageSize < answer.response.resultCount };
      });
    },

    async sendShipment(notice) {
      ensureKeyValid();
      await client.updateTradeInfo(toShippingInfo(notice, shopId));
      await client.updateTradeStatus(notice.orderCode, shippedStatus);
      return { status: "done" };
    },

    async pushStock(items) {
      ensureKeyValid();
      return inBatches(items, batchSize, async (batch) =>
        toStockResults(batch, await client.updateStock(toStockUpdateItems(batch))),
      );
    },

    async checkCredentials() {
      ensureKeyValid();
      const now = new Date();
      await client.searchOrders({ from: now, to: now, startCount: 1, totalCount: 1 });
      return { account: `au PAY マーケット ${shopId}`, expiresAt };
    },
  };
  return connector;
};
