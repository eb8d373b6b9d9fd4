// The connector interface every channel implements. A connector turns Kura's requests into a channel's API
// calls and the channel's answers into Kura's shapes; it never touches the database, never retries on its
// own (the engine decides from ChannelError.kind), and declares what the channel can do in `capabilities`.
import type { OrderInputRaw } from "../domain/order-input.ts";
import type { HttpExchange } from "./http.ts";

export type { ChannelErrorKind } from "./errors.ts";
export { ChannelError, isChannelError } from "./errors.ts";

/** What a channel can do, declared by its connector so the engine never has to guess. `null` = not at all. */
export interface ConnectorCapabilities {
  /** Polling import of orders changed in a time window. */
  fetchOrders: {
    /** Longest window one API call accepts; the connector splits a longer window itself. */
    maxWindowDays: number;
    /** How far back the channel lets us look; the engine must not ask for older windows. */
    maxLookbackDays: number;
    /** Orders per page the connector asks for (the channel's maximum). */
    pageSize: number;
    /**
     * The store's payment method and delivery service masters must exist before its first import (the
     * channel's methods are mapped to them); without them the import stops and says what is missing.
     */
    requiresMasters?: boolean;
  } | null;
  /** The channel (a cart) pushes orders to Kura's API instead of, or besides, being polled. */
  pushedOrders: boolean;
  /**
   * Shipment notice (出荷通知): `sync` answers at once; `async` accepts a request whose result is polled with
   * `pollShipmentResult`, first after `pollAfterMs`, giving up after `resultDeadlineMs`.
   */
  shipmentNotice:
    | { mode: "sync" }
    | {
        mode: "async";
        pollAfterMs: number;
        resultDeadlineMs: number;
        /** Notices one request may carry, when the connector implements `sendShipments`. */
        batchSize?: number;
      }
    | null;
  /**
   * Stock push (在庫連動), absolute quantities: items per request and the endpoint's request rate.
   * `changedOnly`: the channel takes only numbers that changed (zaikoRobot-style carts), so the scheduled
   * resync sends what differs from the last number pushed instead of every item.
   */
  stockPush: { batchSize: number; requestsPerSecond: number; changedOnly?: boolean } | null;
  /** Product master import through `fetchProducts`. */
  productImport: boolean;
  /** The channel's published limit for all calls together; the connector paces itself to it. */
  requestsPerSecond: number;
  credentials: {
    kind: "api_key" | "license_key" | "oauth2" | "basic" | "none";
    /**
     * `none`: they do not expire. `manual`: they expire and the merchant reissues them (warn before
     * `lifetimeDays`). `automatic`: the connector renews them with `refreshCredentials`.
     */
    refresh: "none" | "manual" | "automatic";
    lifetimeDays?: number;
  };
}

/** A half-open time window [from, to) on the channel's "updated at" (or its nearest equivalent). */
export interface OrderWindow {
  from: Date;
  to: Date;
}

export interface OrderPage {
  /** Mapped orders, to be validated with `orderInputSchema` (one that fails is held, not lost). */
  orders: OrderInputRaw[];
  /**
   * Orders of the page the connector could not read (the channel sent a shape it does not know): kept by
   * the engine for review with the reason and the payload as received, never dropped, never failing the
   * page for the others.
   */
  rejected?: UnreadableOrder[];
  /**
   * Where to resume after this page has been committed: pass it back with the same window. `null` after
   * the last page.
   */
  cursor: string | null;
}

export interface UnreadableOrder {
  /** The channel's order code, when even that much could be read. */
  orderCode: string | null;
  /** Our sentence: which wire field and what is wrong with it. */
  message: string;
  /** The wire field, e.g. `items.0.qty`. */
  field?: string;
  payload: unknown;
}

export interface ShipmentNotice {
  orderCode: string;
  /** Kura's carrier name as in the delivery service master (e.g. ヤマト運輸); the connector maps it. */
  carrier: string;
  trackingNumber: string;
  /** Ship date in Asia/Tokyo, YYYY-MM-DD. */
  shippedOn: string;
  /** The sync cycle's key: sending the same notice again with it changes nothing on the channel. */
  idempotencyKey: string;
}

export type ShipmentReceipt = { status: "done" } | { status: "accepted"; requestId: string };

/** The outcome of an async shipment notice. A channel-side refusal is a value, not a thrown error. */
export type ShipmentResult =
  | { status: "pending" }
  | { status: "done" }
  | { status: "rejected"; kind: "invalid" | "not_found"; channelMessage: string; code?: string };

export interface StockItem {
  itemCode: string;
  optionCode?: string;
  /** Absolute quantity to set on the channel (overwrites the channel's number). */
  quantity: number;
}

export type StockItemResult = { itemCode: string; optionCode?: string } & (
  | { status: "updated" }
  | {
      status: "rejected";
      /** `unlimited`: the channel sells the item with unlimited stock; `not_found`: no such item. */
      reason: "unlimited" | "not_found" | "invalid";
      channelMessage: string;
      code?: string;
    }
);

export interface ChannelProduct {
  itemCode: string;
  optionCode?: string;
  /** The merchant's own SKU code the channel keeps for the item, when it has one (the product master's code). */
  productCode?: string;
  name: string;
  /** Price in yen, tax included, when the channel gives one. */
  price?: number;
  unlimitedStock: boolean;
  raw?: unknown;
}

export interface CredentialCheck {
  /** How the channel names the account the credentials open (shop name or id), to show the operator. */
  account: string;
  expiresAt: Date | null;
  /** The stored secret `expiresAt` belongs to (e.g. "licenseKey"): Kura keeps the channel's date with it. */
  credentialName?: string;
}

export interface RefreshedCredentials {
  /** The new secrets to store (encrypted) in place of the old ones. */
  secrets: Record<string, string>;
  expiresAt: Date | null;
}

/**
 * One channel's connector for one store. Every method throws ChannelError for a failed call. A method whose
 * capability is `null` is never called by the engine; a connector implements it by throwing ChannelError
 * `invalid`.
 */
export interface Connector {
  /** The channel id, e.g. "test", "rakuten". */
  readonly channel: string;
  readonly capabilities: ConnectorCapabilities;

  /** Pages of orders changed in the window, resumable from a page's cursor. */
  fetchOrders(window: OrderWindow, cursor?: string | null): AsyncIterable<OrderPage>;

  /**
   * Orders fetched by their order codes, whatever their age (an operator imports by hand what the scheduled
   * window no longer reaches, e.g. MakeShop orders older than 3 days). Codes the channel does not know are
   * left out of the answer.
   */
  fetchOrdersByCode?(orderCodes: string[]): Promise<OrderInputRaw[]>;

  sendShipment(notice: ShipmentNotice): Promise<ShipmentReceipt>;
  /** Async channels only: the result of an accepted notice. */
  pollShipmentResult?(requestId: string): Promise<ShipmentResult>;

  /**
   * Async channels that take several notices per request (`capabilities.shipmentNotice.batchSize`): one
   * request for all of `notices`. The same `idempotencyKey` answers the same request id, so a batch sent
   * again after a crash is not applied twice.
   */
  sendShipments?(notices: ShipmentNotice[], idempotencyKey: string): Promise<{ requestId: string }>;
  /** The result of a batch per order code; an order the answer does not list is still pending. */
  pollShipmentResults?(requestId: string): Promise<Map<string, ShipmentResult>>;

  /**
   * Sets absolute stock, split into batches of `capabilities.stockPush.batchSize`; one result per item.
   * Each batch carries `idempotencyKey` plus its index, so re-running a failed call replays the batches
   * already done instead of applying them twice.
   */
  pushStock(items: StockItem[], idempotencyKey: string): Promise<StockItemResult[]>;

  /** Pages of the channel's product master; with `updatedSince`, only items changed since then (when the channel can tell). */
  fetchProducts?(query?: { updatedSince?: Date }): AsyncIterable<ChannelProduct[]>;

  /** Calls the channel with the credentials; throws ChannelError `auth` with the channel's message if refused. */
  checkCredentials(): Promise<CredentialCheck>;
  /** `capabilities.credentials.refresh === "automatic"` only. */
  refreshCredentials?(): Promise<RefreshedCredentials>;
}

/** What the engine hands a connector factory: the store's settings, decrypted, and the logging hook. */
export interface ConnectorSettings {
  /** The channel API's base URL; channels with a fixed host default it (tests point it at a simulator). */
  endpoint?: string;
  secrets: Record<string, string>;
  /**
   * When each secret expires, as recorded with it (the merchant enters it for keys reissued by hand, e.g.
   * au PAY's API key): a connector whose key has lapsed refuses to call with a clear reason.
   */
  secretsExpireAt?: Record<string, Date>;
  /**
   * The store's own settings (`stores.settings`, not secret): each connector reads its channel's options
   * from it with its own zod schema and throws ChannelError `invalid` naming the field when one is wrong.
   */
  options?: Record<string, unknown>;
  timeoutMs?: number;
  /** Called after every HTTP exchange, with secrets already redacted. */
  onExchange?: (exchange: HttpExchange) => void;
  /**
   * The account the channel counts requests against (the engine gives the store): every connector built
   * for it in this process paces its requests with the same pacer, so a store's runs at once (import, stock
   * push, resync, shipment notice) share the channel's rate instead of each taking all of it.
   */
  pacingAccount?: string;
}

export type ConnectorFactory = (settings: ConnectorSettings) => Connector;
