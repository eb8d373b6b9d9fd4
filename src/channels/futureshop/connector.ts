// futureshop connector: orders changed in a window (paged), "shipped" (ship date and invoice number) for
// orders shipped in Kura, stock per product and choice.
import { slicedPages } from "../common/paging.ts";
import { missing, readOrders } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory } from "../types.ts";
import { channel, createFutureshopClient } from "./client.ts";
import {
  resultListSchema,
  searchAnswerSchema,
  toOrderInput,
  toProductList,
  toShippingStatusEntry,
  toStockResults,
  toWireDateTime,
  wireOrderSchema,
} from "./map.ts";

export const futureshopCapabilities = {
  fetchOrders: { maxWindowDays: 31, maxLookbackDays: 90, pageSize: 100 },
  pushedOrders: false,
  shipmentNotice: { mode: "sync" },
  stockPush: { batchSize: 100, requestsPerSecond: 2 },
  productImport: false,
  requestsPerSecond: 2,
  credentials: { kind: "oauth2", refresh: "none" },
} satisfies ConnectorCapabilities;

/** Secrets: `clientId`, `clientSecret`, `shopKey`. Endpoint: the shop's API domain (https://…), required. */
export const createFutureshopConnector: ConnectorFactory = (settings) => {
  const { clientId, clientSecret, shopKey } = settings.secrets;
  if (!clientId || !clientSecret || !shopKey) {
    throw missing(channel, "a client ID, a client secret and a shop key (clientId, clientSecret, shopKey)");
  }
  if (!settings.endpoint)
    throw missing(channel, "its API domain as the endpoint (issued per shop by futureshop)");
  const client = createFutureshopClient({
    baseUrl: settings.endpoint,
    clientId,
    clientSecret,
    shopKey,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: futureshopCapabilities.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const { maxWindowDays, pageSize } = futureshopCapabilities.fetchOrders;
  const { batchSize } = futureshopCapabilities.stockPush;

  const connector: Connector = {
    channel,
    capabilities: futureshopCapabilities,

    async *fetchOrders(window, cursor) {
      yield* slicedPages(channel, window, cursor, maxWindowDays, async (slice, page) => {
        const answer = await client.call(
          {
            method: "GET",
            path: "/admin-api/v1/orders",
            query: {
              updateDateFrom: toWireDateTime(slice.from),
              updateDateTo: toWireDateTime(new Date(Math.ceil(slice.to.getTime() / 1000) * 1000)),
              page,
              perPage: pageSize,
            },
          },
          searchAnswerSchema,
        );
        const orders = readOrders(channel, wireOrderSchema, answer.orderList, toOrderInput, "orderNo");
        return { orders, hasNext: page * pageSize < answer.totalCount };
      });
    },

    async sendShipment(notice) {
      const answer = await client.call(
        {
          method: "POST",
          path: "/admin-api/v1/shipping/status",
          body: { orderList: [toShippingStatusEntry(notice)] },
        },
        resultListSchema,
      );
      const result = answer.resultList[0];
      if (result?.result !== "Success") {
        throw new ChannelError({
          kind: result?.errorCode === "OrderNotFound" ? "not_found" : "invalid",
          channel,
          code: result?.errorCode ?? undefined,
          channelMessage: result?.message ?? "",
          message: `${channel}: the shipment of order ${notice.orderCode} was refused (${result?.errorCode ?? "no result"})`,
        });
      }
      return { status: "done" };
    },

    async pushStock(items) {
      // Batches by item: a product's choices travel in one entry.
      return inBatches(items, batchSize, async (batch) => {
        const answer = await client.call(
          { method: "POST", path: "/admin-api/v1/inventory", body: { productList: toProductList(batch) } },
          resultListSchema,
        );
        return toStockResults(batch, answer);
      });
    },

    async checkCredentials() {
      await client.authorize();
      return { account: `futureshop ${new URL(settings.endpoint as string).host}`, expiresAt: null };
    },
  };
  return connector;
};
