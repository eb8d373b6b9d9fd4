// What the test channel remembers: orders, catalog and stock, received shipments, and the faults and
// rate limit that shape its next answers, and in OAuth mode the tokens it issued. Plain data; the HTTP layer
// is in server.ts.
import { randomBytes } from "node:crypto";
import { FaultQueue, type HangFault, type Fault as KitFault, RateWindow } from "../kit/server.ts";
import { defaultCatalog, type GenerateOptions, generateOrders, toJstIso } from "./generate.ts";
import type { WireError, WireItem, WireOrder, WireOrderStatus, WireShipment } from "./wire.ts";

export type Fault =
  | KitFault
  | HangFault
  /** Close the connection without answering. */
  | { kind: "drop" }
  /** Answer 200 with a JSON body cut off halfway. */
  | { kind: "malformed" };

export interface StockRecord {
  quantity: number;
  receivedAt: Date;
}

export interface ShipmentRequest {
  requestId: string;
  receivedAt: Date;
  shipments: WireShipment[];
  status: "processing" | "completed";
  results: { order_no: string; ok: boolean; error?: WireError }[];
}

export interface ReceivedShipment extends WireShipment {
  requestId: string;
  receivedAt: Date;
}

/** OAuth mode: how long the tokens it issues stay valid. */
export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token is valid for, as `expires_in` says. */
  expiresIn: number;
  /** When the access token stops working, on the simulator's clock. */
  expiresAt: Date;
}

export interface RefreshTokenRecord {
  expiresAt: Date;
  /** `rotated`: exchanged once already (each refresh token works once); `revoked`: by the admin helper. */
  status: "active" | "rotated" | "revoked";
}

/** Why a refresh token is refused, in the channel's words (`error_description` of `invalid_grant`). */
const refreshTokenRefusals = {
  unknown: "リフレッシュトークンが正しくありません。",
  expired: "リフレッシュトークンの有効期限が切れています。再度認可してください。",
  rotated: "リフレッシュトークンは使用済みです。",
  revoked: "リフレッシュトークンは無効化されています。再度認可してください。",
} as const;

const itemKey = (sku: string, variant: string | null | undefined) => `${sku}\u0000${variant ?? ""}`;

export class TestChannelState {
  readonly orders = new Map<string, WireOrder>();
  readonly items = new Map<string, WireItem>();
  readonly stock = new Map<string, StockRecord>();
  readonly shipmentRequests = new Map<string, ShipmentRequest>();
  /** Every shipment the channel applied successfully, in order. */
  readonly shipments: ReceivedShipment[] = [];
  /** Answers already given per Idempotency-Key, replayed for a repeated key. */
  readonly idempotentAnswers = new Map<string, { status: number; body: unknown }>();
  readonly faults = new FaultQueue<Fault>();
  /** Requests admitted in the last second, for the rate limit (per API key: the simulator has one). */
  readonly rate = new RateWindow();
  /** OAuth mode: access token → when it expires. */
  readonly accessTokens = new Map<string, Date>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** API requests received (admin helpers are not counted). */
  requestCount = 0;
  /** Refresh-token grants answered, successful or not. */
  tokenRequestCount = 0;
  #serial = 0;
  #requestSerial = 0;
  /** The orders by update time, then number; dropped whenever an order is added or changes. */
  #byUpdate: Array<{ at: number; order: WireOrder }> | undefined;

  constructor(readonly now: () => Date = () => new Date()) {
    for (const item of defaultCatalog) this.items.set(itemKey(item.sku, item.variant), item);
  }

  seedOrders(options: Omit<GenerateOptions, "firstSerial"> | WireOrder[]): WireOrder[] {
    const orders = Array.isArray(options)
      ? options
      : generateOrders({ to: this.now(), ...options, firstSerial: this.#serial + 1 });
    if (!Array.isArray(options)) this.#serial += orders.length;
    for (const order of orders) this.orders.set(order.order_no, structuredClone(order));
    this.#byUpdate = undefined;
    return orders;
  }

  /** One page of the orders updated in [from, to), oldest first (then by number), and how many there are. */
  ordersUpdatedIn(
    from: Date,
    to: Date,
    start: number,
    limit: number,
  ): { orders: WireOrder[]; total: number } {
    this.#byUpdate ??= [...this.orders.values()]
      .map((order) => ({ at: Date.parse(order.updated_at), order }))
      .sort((a, b) => a.at - b.at || a.order.order_no.localeCompare(b.order.order_no));
    const sorted = this.#byUpdate;
    const firstAtOrAfter = (ms: number) => {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((sorted[middle] as { at: number }).at < ms) low = middle + 1;
        else high = middle;
      }
      return low;
    };
    const first = firstAtOrAfter(from.getTime());
    const end = firstAtOrAfter(to.getTime());
    const orders = sorted.slice(Math.min(first + start, end), Math.min(first + start + limit, end));
    return { orders: orders.map((e) => e.order), total: end - first };
  }

  seedItems(items: WireItem[]): void {
    for (const item of items) this.items.set(itemKey(item.sku, item.variant), item);
  }

  setOrderStatus(orderNo: string, status: WireOrderStatus): void {
    const order = this.orders.get(orderNo);
    if (!order) throw new Error(`test channel has no order ${orderNo}`);
    order.status = status;
    order.updated_at = toJstIso(this.now());
    this.#byUpdate = undefined;
  }

  item(sku: string, variant: string | null | undefined): WireItem | undefined {
    return this.items.get(itemKey(sku, variant));
  }

  stockOf(sku: string, variant?: string | null): StockRecord | undefined {
    return this.stock.get(itemKey(sku, variant));
  }

  setStock(sku: string, variant: string | null | undefined, quantity: number): void {
    this.stock.set(itemKey(sku, variant), { quantity, receivedAt: this.now() });
  }

  issueTokens(lifetimes: TokenLifetimes): IssuedTokens {
    const now = this.now().getTime();
    const tokens = {
      accessToken: `tc-at-${randomBytes(16).toString("hex")}`,
      refreshToken: `tc-rt-${randomBytes(16).toString("hex")}`,
      expiresIn: lifetimes.accessTokenTtlSeconds,
      expiresAt: new Date(now + lifetimes.accessTokenTtlSeconds * 1000),
    };
    this.accessTokens.set(tokens.accessToken, tokens.expiresAt);
    this.refreshTokens.set(tokens.refreshToken, {
      expiresAt: new Date(now + lifetimes.refreshTokenTtlSeconds * 1000),
      status: "active",
    });
    return tokens;
  }

  /** A new pair for a usable refresh token (which is used up), or the channel's reason for refusing it. */
  exchangeRefreshToken(refreshToken: string, lifetimes: TokenLifetimes): IssuedTokens | { refused: string } {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return { refused: refreshTokenRefusals.unknown };
    if (record.status !== "active") return { refused: refreshTokenRefusals[record.status] };
    if (record.expiresAt <= this.now()) return { refused: refreshTokenRefusals.expired };
    record.status = "rotated";
    return this.issueTokens(lifetimes);
  }

  revokeRefreshTokens(): void {
    for (const record of this.refreshTokens.values()) record.status = "revoked";
  }

  /** Why an access token does not open the API, or undefined when it does. */
  accessTokenProblem(accessToken: string): "unknown" | "expired" | undefined {
    const expiresAt = this.accessTokens.get(accessToken);
    if (!expiresAt) return "unknown";
    return expiresAt <= this.now() ? "expired" : undefined;
  }

  acceptShipments(shipments: WireShipment[]): ShipmentRequest {
    this.#requestSerial += 1;
    const stamp = toJstIso(this.now()).slice(0, 19).replace(/\D/g, "");
    const request: ShipmentRequest = {
      requestId: `shp-${String(this.#requestSerial).padStart(6, "0")}-${stamp}`,
      receivedAt: this.now(),
      shipments,
      status: "processing",
      results: [],
    };
    this.shipmentRequests.set(request.requestId, request);
    return request;
  }

  /** Applies an accepted request, as the channel's batch process would later. */
  completeShipments(requestId: string): void {
    const request = this.shipmentRequests.get(requestId);
    if (!request || request.status === "completed") return;
    request.results = request.shipments.map((shipment) => {
      const order = this.orders.get(shipment.order_no);
      if (!order) {
        return {
          order_no: shipment.order_no,
          ok: false,
          error: orderError("order_not_found", shipment.order_no),
        };
      }
      if (order.status === "cancelled") {
        return {
          order_no: shipment.order_no,
          ok: false,
          error: orderError("order_cancelled", shipment.order_no),
        };
      }
      order.status = "shipped";
      order.updated_at = toJstIso(this.now());
      this.#byUpdate = undefined;
      this.shipments.push({ ...shipment, requestId, receivedAt: request.receivedAt });
      return { order_no: shipment.order_no, ok: true };
    });
    request.status = "completed";
  }
}

function orderError(code: "order_not_found" | "order_cancelled", orderNo: string): WireError {
  const message =
    code === "order_not_found"
      ? `注文番号 ${orderNo} は存在しません。`
      : `注文番号 ${orderNo} はキャンセル済みのため発送登録できません。`;
  return { code, message };
}
