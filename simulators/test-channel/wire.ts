// The test channel's records as they travel on the wire (see README.md). The simulator's own copy: the
// connector keeps its own in src/channels/test-channel/map.ts, so a drift between the two shows in tests.

export type WireOrderStatus = "new" | "ready" | "shipped" | "cancelled";

export interface WirePerson {
  family_name: string;
  given_name: string;
  family_name_kana: string | null;
  given_name_kana: string | null;
  email: string | null;
  tel: string | null;
  /** Seven digits, no hyphen. */
  zip: string;
  pref: string;
  city: string;
  street: string;
  building: string | null;
}

export interface WireOrder {
  order_no: string;
  status: WireOrderStatus;
  ordered_at: string;
  updated_at: string;
  buyer: WirePerson;
  ship_to: WirePerson[];
  /** time_slot: "am" or "HH-HH" (e.g. "14-16"), null when none was requested. */
  delivery: { method: string; date: string | null; time_slot: string | null };
  payment: { method: string; method_name: string; status: "paid" | "unpaid" };
  items: {
    sku: string;
    variant: string | null;
    name: string;
    qty: number;
    price: number;
    tax_rate: number;
  }[];
  totals: {
    items: number;
    shipping: number;
    cod_fee: number;
    discount: number;
    points: number;
    coupon: number;
    grand_total: number;
  };
  tax_summary: { rate: number; taxable: number; tax: number }[];
}

export interface WireItem {
  sku: string;
  variant: string | null;
  name: string;
  price: number;
  tax_rate: number;
  unlimited_stock: boolean;
}

export interface WireShipment {
  order_no: string;
  /** "yamato" | "sagawa" | "japanpost" | "other" */
  carrier: string;
  tracking_no: string;
  shipped_on: string;
}

export interface WireError {
  code: string;
  message: string;
}
