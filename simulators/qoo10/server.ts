// Qoo10 QAPI simulator: form-encoded calls to /GMKT.INC.Front.QAPIService/ebayjapan.qapi/<Service.Method>,
// JSON answers {ResultCode, ResultMsg, ResultObject}, as channel-apis.md §4.1 describes; gaps are filled by
// the assumptions in README.md (kept identical to src/channels/qoo10/map.ts).
import { randomBytes } from "node:crypto";
import {
  formOf,
  type KitServer,
  type SimulatorOptions,
  send,
  startKitServer,
  type WireAnswer,
} from "../kit/server.ts";
import { jstParts, KitState, samplePerson } from "../kit/state.ts";

/** One row per order line; a cart (packNo) is one order. */
export interface Qoo10Row {
  packNo: string;
  orderNo: string;
  orderDate: string; // YYYY-MM-DD HH:MM:SS (JST)
  PaymentDate: string;
  shippingStatus: string; // 1..5
  itemCode: string;
  sellerItemCode: string;
  itemTitle: string;
  option: string;
  optionCode: string;
  orderQty: number;
  orderPrice: number;
  discount: number;
  total: number;
  ShippingRate: number;
  receiver: string;
  receiver_gata: string;
  receiverTel: string;
  receiverMobile: string;
  zipCode: string;
  Addr1: string;
  Addr2: string;
  buyer: string;
  buyer_gata: string;
  buyerTel: string;
  buyerEmail: string;
  DeliveryCompany: string;
  hopeDate: string;
  PaymentMethod: string;
  RelatedOrder: string;
  TrackingNo: string;
  ShippingDate: string;
  /** Simulator only: cancelled by a claim (returned by GetClaimInfo_V3, not GetShippingInfo_v2). */
  claimed?: boolean;
}

export interface Qoo10Options extends SimulatorOptions {
  apiKey?: string;
  userId?: string;
  password?: string;
}

const ok = (ResultObject: unknown = null): WireAnswer => ({
  status: 200,
  body: { ResultCode: 0, ResultMsg: "SUCCESS", ResultObject },
});
const refused = (code: number, message: string): WireAnswer => ({
  status: 200,
  body: { ResultCode: code, ResultMsg: message, ResultObject: null },
});

/** [assumed] error codes other than -90001 (published). */
export const qoo10Errors = {
  noApi: [-90001, "存在しないAPIです"],
  auth: [-10001, "認証キーが正しくありません"],
  login: [-10002, "ユーザーIDまたはパスワードが正しくありません"],
  param: [-10003, "パラメータが正しくありません"],
  window: [-10004, "検索期間は90日以内で指定してください"],
  noOrder: [-20001, "注文が存在しません"],
  noItem: [-30001, "商品が存在しません"],
  rate: [-99998, "リクエストが多すぎます"],
  server: [-99999, "システムエラー"],
} as const;

const dayMs = 86_400_000;

export interface Qoo10Simulator extends KitServer {
  apiKey: string;
  userId: string;
  password: string;
  state: KitState<Qoo10Row[]>;
  /** A cart of the given lines, ordered `ageMs` ago and paid (配送要請). */
  seedOrder(lines: Array<{ itemCode: string; option?: string; qty: number }>, ageMs?: number): Qoo10Row[];
  /** The buyer cancelled the cart (a claim): it leaves the shipping list and appears in the claims. */
  cancelOrder(packNo: string): void;
}

export async function startQoo10(options: Qoo10Options = {}): Promise<Qoo10Simulator> {
  const apiKey = options.apiKey ?? "qoo10-test-api-key";
  const userId = options.userId ?? "kura-seller";
  const password = options.password ?? "seller-password";
  const state = new KitState<Qoo10Row[]>(options.now);
  const sellerKeys = new Set<string>();
  let serial = 0;
  const base = "/GMKT.INC.Front.QAPIService/ebayjapan.qapi";
  const createKeyPath = `${base}/CertificationAPI.CreateCertificationKey`;

  const kit = await startKitServer(
    {
      port: options.port,
      requestsPerSecond: options.requestsPerSecond ?? 5,
      authenticate(request) {
        const key = String(request.headers.giosiscertificationkey ?? formOf(request).key ?? "");
        const valid = request.url.startsWith(createKeyPath) ? key === apiKey : sellerKeys.has(key);
        return valid ? undefined : refused(...qoo10Errors.auth);
      },
      rateLimited: () => refused(...qoo10Errors.rate),
      fault: (status, message) => ({
        status,
        body: { ResultCode: qoo10Errors.server[0], ResultMsg: message },
      }),
    },
    (app) => {
      app.post(`${base}/:method`, async (request, reply) => {
        const { method } = request.params as { method: string };
        const form = formOf(request);
        return send(reply, methods[method]?.(form) ?? refused(...qoo10Errors.noApi));
      });
    },
  );

  const rows = () => [...state.orders.values()].flat();

  const methods: Record<string, (form: Record<string, string>) => WireAnswer> = {
    "CertificationAPI.CreateCertificationKey"(form) {
      if (form.user_id !== userId || form.pwd !== password) return refused(...qoo10Errors.login);
      const key = `sak-${randomBytes(12).toString("hex")}`;
      sellerKeys.add(key);
      return ok(key);
    },
    "ShippingBasic.GetShippingInfo_v2"(form) {
      const window = searchWindow(form);
      if ("error" in window) return window.error;
      return ok(
        rows().filter(
          (r) =>
            !r.claimed &&
            inWindow(r, window) &&
            (!form.ShippingStat || r.shippingStatus === form.ShippingStat),
        ),
      );
    },
    "ShippingBasic.GetClaimInfo_V3"(form) {
      const window = searchWindow(form);
      if ("error" in window) return window.error;
      if (form.ClaimStat !== "3") return refused(...qoo10Errors.param);
      return ok(rows().filter((r) => r.claimed && inWindow(r, window)));
    },
    "ShippingBasic.SetSendingInfo"(form) {
      const row = rows().find((r) => r.orderNo === form.OrderNo);
      if (!row || row.claimed) return refused(...qoo10Errors.noOrder);
      if (!form.ShippingCorp || !/^[0-9A-Za-z-]{1,30}$/.test(form.TrackingNo ?? "")) {
        return refused(...qoo10Errors.param);
      }
      Object.assign(row, {
        shippingStatus: "4",
        TrackingNo: form.TrackingNo,
        ShippingDate: jstParts(state.now()).date,
        DeliveryCompany: form.ShippingCorp,
      });
      state.shipments.push({
        orderCode: row.orderNo,
        carrier: form.ShippingCorp,
        trackingNumber: form.TrackingNo ?? "",
        shippedOn: row.ShippingDate,
      });
      return ok();
    },
    "ItemsOrder.SetGoodsPriceQty"(form) {
      return setQty(form.SellerCode ?? form.ItemCode ?? "", "", form.Qty);
    },
    "ItemsOptions.UpdateInventoryQtyUnit"(form) {
      return setQty(form.SellerCode ?? "", form.OptionCode ?? "", form.Qty);
    },
  };

  function setQty(itemCode: string, optionCode: string, qty: string | undefined): WireAnswer {
    const outcome = state.setStock(itemCode, optionCode, Number(qty));
    if (outcome === "invalid") return refused(...qoo10Errors.param);
    // Qoo10 has no "unlimited stock" items; the kit's unlimited item is refused like an unknown one.
    return outcome === "updated" ? ok() : refused(...qoo10Errors.noItem);
  }

  function searchWindow(form: Record<string, string>): { error: WireAnswer } | { from: Date; to: Date } {
    const from = parseWireDate(form.search_Sdate);
    const to = parseWireDate(form.search_Edate);
    if (!from || !to || from > to || form.search_condition !== "1")
      return { error: refused(...qoo10Errors.param) };
    if (to.getTime() - from.getTime() > 90 * dayMs) return { error: refused(...qoo10Errors.window) };
    return { from, to };
  }

  return {
    ...kit,
    url: `${kit.url}${base}`,
    apiKey,
    userId,
    password,
    state,
    seedOrder(lines, ageMs = 60_000) {
      serial += 1;
      const at = jstParts(new Date(state.now().getTime() - ageMs));
      const person = samplePerson(serial);
      const packNo = String(500_000_000 + serial);
      const orderNos = lines.map((_, i) => String(800_000_000 + serial * 10 + i));
      const cart = lines.map((line, i): Qoo10Row => {
        const { name, price } = state.lineOf(line.itemCode, line.option);
        return {
          packNo,
          orderNo: orderNos[i] as string,
          orderDate: `${at.date} ${at.time}`,
          PaymentDate: `${at.date} ${at.time}`,
          shippingStatus: "2",
          itemCode: `Q${1_000_000 + i}`,
          sellerItemCode: line.itemCode,
          itemTitle: name,
          option: line.option ? `カラー:${line.option}` : "",
          optionCode: line.option ?? "",
          orderQty: line.qty,
          orderPrice: price,
          discount: 0,
          total: price * line.qty,
          ShippingRate: i === 0 ? 600 : 0,
          receiver: `${person.familyName} ${person.givenName}`,
          receiver_gata: `${person.familyKana} ${person.givenKana}`,
          receiverTel: person.tel,
          receiverMobile: `+81-${person.tel.slice(1)}`,
          zipCode: `${person.zip.slice(0, 3)}-${person.zip.slice(3)}`,
          Addr1: `${person.prefecture}${person.city}`,
          Addr2: person.street,
          buyer: `${person.familyName} ${person.givenName}`,
          buyer_gata: `${person.familyKana} ${person.givenKana}`,
          buyerTel: person.tel,
          buyerEmail: person.email,
          DeliveryCompany: "ヤマト宅急便",
          hopeDate: "",
          PaymentMethod: "クレジットカード",
          RelatedOrder: orderNos.join(","),
          TrackingNo: "",
          ShippingDate: "",
        };
      });
      state.orders.set(packNo, cart);
      return cart;
    },
    cancelOrder(packNo) {
      for (const row of state.orders.get(packNo) ?? []) row.claimed = true;
    },
  };
}

function inWindow(row: Qoo10Row, window: { from: Date; to: Date }) {
  const at = new Date(`${row.orderDate.replace(" ", "T")}+09:00`);
  return at >= window.from && at <= window.to;
}

/** `YYYYMMDD` or `YYYYMMDDHHMMSS`, JST. */
function parseWireDate(value: string | undefined): Date | undefined {
  const m = value?.match(/^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/);
  if (!m) return undefined;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}+09:00`);
}
