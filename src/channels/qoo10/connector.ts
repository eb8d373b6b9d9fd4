// Qoo10 connector: carts in (order lines grouped by packNo, cancelled carts from the claims), tracking sent
// per order line, stock per item or option. The API key lives a year: recorded with its expiry, it is
// refused here once lapsed, like au PAY's.
import { z } from "zod";
import { ensureKeyValid } from "../common/expiry.ts";
import { slicedPages } from "../common/paging.ts";
import { missing, readAnswer } from "../common/read.ts";
import { stockKey } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory, StockItemResult } from "../types.ts";
import { channel, createQoo10Client, defaultEndpoint } from "./client.ts";
import {
  groupByCart,
  toOrderInput,
  toShippingCorp,
  toTrackingNo,
  toWireDateTime,
  wireRowSchema,
} from "./map.ts";

export const qoo10Capabilities = {
  fetchOrders: { maxWindowDays: 90, maxLookbackDays: 90, pageSize: 1000 },
  pushedOrders: false,
  shipmentNotice: { mode: "sync" },
  stockPush: { batchSize: 1, requestsPerSecond: 5 },
  productImport: false,
  requestsPerSecond: 5,
  credentials: { kind: "api_key", refresh: "manual", lifetimeDays: 365 },
} satisfies ConnectorCapabilities;

const rowsSchema = z
  .array(wireRowSchema)
  .nullish()
  .transform((rows) => rows ?? []);
const dayMs = 86_400_000;

/** Secrets: `apiKey` (recorded with its expiry date), `userId`, `password` (the QSM login that issues the SAK). */
export const createQoo10Connector: ConnectorFactory = (settings) => {
  const { apiKey, userId, password } = settings.secrets;
  if (!apiKey || !userId || !password)
    throw missing(channel, "an API key, a user ID and a password (apiKey, userId, password)");
  const client = createQoo10Client({
    baseUrl: settings.endpoint ?? defaultEndpoint,
    apiKey,
    userId,
    password,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: qoo10Capabilities.requestsPerSecond,
    onExchange: settings.onExchange,
  });
  const keyValid = () =>
    ensureKeyValid(
      channel,
      settings.secretsExpireAt?.apiKey,
      "reissue it in QSM and set the new key and its expiry date in Kura",
    );
  /** packNo → its order line numbers, read once per connector (one run) from the last 90 days. */
  let linesByCart: Promise<Map<string, string[]>> | undefined;

  async function search(method: string, from: Date, to: Date, extra: Record<string, string> = {}) {
    const rows = await client.call(method, {
      search_Sdate: toWireDateTime(from),
      search_Edate: toWireDateTime(to),
      search_condition: 1,
      ...extra,
    });
    return readAnswer(channel, rowsSchema, rows, method);
  }

  const connector: Connector = {
    channel,
    capabilities: qoo10Capabilities,

    async *fetchOrders(window, cursor) {
      keyValid();
      yield* slicedPages(
        channel,
        window,
        cursor,
        qoo10Capabilities.fetchOrders.maxWindowDays,
        async (slice) => {
          const open = await search("ShippingBasic.GetShippingInfo_v2", slice.from, slice.to);
          const claimed = await search("ShippingBasic.GetClaimInfo_V3", slice.from, slice.to, {
            ClaimStat: "3",
          });
          const openCarts = new Set(open.map((r) => r.packNo));
          const orders = [
            ...groupByCart(open).map((rows) => toOrderInput(rows, false)),
            ...groupByCart(claimed.filter((r) => !openCarts.has(r.packNo))).map((rows) =>
              toOrderInput(rows, true),
            ),
          ];
          return { orders, hasNext: false };
        },
      );
    },

    async sendShipment(notice) {
      keyValid();
      linesByCart ??= (async () => {
        const now = new Date();
        const rows = await search(
          "ShippingBasic.GetShippingInfo_v2",
          new Date(now.getTime() - 90 * dayMs),
          now,
        );
        const map = new Map<string, string[]>();
        for (const row of rows) map.set(row.packNo, [...(map.get(row.packNo) ?? []), row.orderNo]);
        return map;
      })();
      const orderNos = (await linesByCart).get(notice.orderCode);
      if (!orderNos) {
        throw new ChannelError({
          kind: "not_found",
          channel,
          message: `${channel}: cart ${notice.orderCode} is not among the open orders of the last 90 days`,
        });
      }
      for (const orderNo of orderNos) {
        await client.call("ShippingBasic.SetSendingInfo", {
          OrderNo: orderNo,
          ShippingCorp: toShippingCorp(notice.carrier),
          TrackingNo: toTrackingNo(notice.trackingNumber),
        });
      }
      return { status: "done" };
    },

    async pushStock(items) {
      keyValid();
      const results: StockItemResult[] = [];
      for (const item of items) {
        const key = stockKey(item);
        try {
          if (item.optionCode) {
            await client.call("ItemsOptions.UpdateInventoryQtyUnit", {
              SellerCode: item.itemCode,
              OptionCode: item.optionCode,
              Qty: item.quantity,
            });
          } else {
            await client.call("ItemsOrder.SetGoodsPriceQty", {
              SellerCode: item.itemCode,
              Qty: item.quantity,
            });
          }
          results.push({ ...key, status: "updated" });
        } catch (error) {
          if (!(error instanceof ChannelError) || (error.kind !== "invalid" && error.kind !== "not_found"))
            throw error;
          results.push({
            ...key,
            status: "rejected",
            reason: error.kind === "not_found" ? "not_found" : "invalid",
            channelMessage: error.channelMessage,
            code: error.code,
          });
        }
      }
      return results;
    },

    async checkCredentials() {
      keyValid();
      await client.certify();
      return { account: `Qoo10 ${userId}`, expiresAt: settings.secretsExpireAt?.apiKey ?? null };
    },
  };
  return connector;
};
