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
  } | null;
  /** The channel (a cart) pushes orders to Kura's API instead of, or besides, being polled. */
  pushedOrders: boolean;
  /**
   * Shipment notice (出荷通知): `sync` answers at once; `async` accepts a request whose result is polled with
   * `pollShipmentResult`, first after `pollAfterMs`, giving up after `resultDeadlineMs`.
   */
  shipmentNotice: { mode: "sync" } | { mode: "async"; pollAfterMs: number; resultDeadlineMs: number } | null;
  /** Stock push (在庫連動), absolute quantities: items per request and the endpoint's request rate. */
  stockPush: { batchSize: number; requestsPerSecond: number } | null;
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
   * Where to resume after this page has been committed: pass it back with the same window. `null` after
   * the last page.
   */
  cursor: string | null;
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

  sendShipment(notice: ShipmentNotice): Promise<ShipmentReceipt>;
  /** Async channels only: the result of an accepted notice. */
  pollShipmentResult?(requestId: string): Promise<ShipmentResult>;

  /**
   * Sets absolute stock, split into batches of `capabilities.stockPush.batchSize`; one result per item.
   * Each batch carries `idempotencyKey` plus its index, so re-running a failed call replays the batches
   * already done instead of applying them twice.
   */
  pushStock(items: StockItem[], idempotencyKey: string): Promise<StockItemResult[]>;

  /** Pages of the channel's product master. */
  fetchProducts?(): AsyncIterable<ChannelProduct[]>;

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
  timeoutMs?: number;
  /** Called after every HTTP exchange, with secrets already redacted. */
  onExchange?: (exchange: HttpExchange) => void;
}

export type ConnectorFactory = (settings: ConnectorSettings) => Connector;
