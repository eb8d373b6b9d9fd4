// Tracking numbers a cart pulls (S2, Craft Cart every ~20 minutes): the store's orders that are fully
// shipped on one shipment slip, after a cursor on (shipped at, order id). As with the incumbents, an order
// shipped in part or split over several slips is not reported; the answer lists such orders as pending,
// with the reason, together with the orders not shipped yet. Shipments younger than a few seconds are
// reported again until they settle (see settleSeconds in cart-stock.ts).
import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../db/connection.ts";
import { invalid } from "../domain/errors.ts";
import { settleSeconds } from "./cart-stock.ts";

export interface OutboundDelivery {
  order_code: string;
  /** Kura's shipment code (出荷管理コード). */
  code: string;
  /** When Kura recorded the shipment (UTC, ISO 8601). */
  finished_at: string;
  /** Ship date in Japan time, YYYY-MM-DD. */
  shipped_on: string | null;
  carrier: string | null;
  delivery_method: string | null;
  delivery_tracking_numbers: string[];
}

export interface PendingDelivery {
  order_code: string;
  status: string;
  reason: "not_shipped" | "partly_shipped" | "split_shipment";
}

export interface TrackingPage {
  data: OutboundDelivery[];
  next_cursor: string;
  has_more: boolean;
  /** Orders of the store not reported (yet): not shipped, shipped in part, or split; the oldest 100. */
  pending: PendingDelivery[];
  pending_count: number;
}

interface Cursor {
  /** As PostgreSQL prints it (microseconds and offset): exact, unlike a JavaScript Date. */
  shippedAt: string;
  orderId: number;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Cursor>;
    const exactTime = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;
    if (
      typeof parsed.shippedAt === "string" &&
      exactTime.test(parsed.shippedAt) &&
      Number.isInteger(parsed.orderId)
    )
      return parsed as Cursor;
  } catch {}
  throw invalid("validation_failed", "cursor must be a value from next_cursor", "cursor");
}

/** Per order of the store: its non-cancelled shipment slips holding its lines, and how many are shipped. */
const slipsPerOrder = (storeId: number) => sql`
  select o.id, o.store_id, o.status, o.shipped_at, o.delivery_method_received,
         coalesce(o.original_order_code, o.order_code) as order_code,
         count(distinct s.id) filter (where s.status <> 'cancelled')::int as slips,
         count(distinct s.id) filter (where s.status = 'shipped')::int as shipped_slips
    from orders o
    left join shipment_lines sl on sl.order_id = o.id
    left join shipments s on s.id = sl.shipment_id
   where o.store_id = ${storeId}
   group by o.id`;

export async function trackingSince(
  db: Db,
  caller: { storeId: number },
  cursorValue: string | undefined,
  limit: number,
): Promise<TrackingPage> {
  const cursor = decodeCursor(cursorValue);
  const after = cursor
    ? sql`and (x.shipped_at, x.id) > (${cursor.shippedAt}::timestamptz, ${cursor.orderId})`
    : sql``;
  const rows = await queryRows<{
    id: number;
    order_code: string;
    shipped_at: string | Date;
    shipped_at_exact: string;
    settled: boolean;
    delivery_method_received: string | null;
  }>(
    db,
    sql`select x.id, x.order_code, x.shipped_at, x.shipped_at::text as shipped_at_exact, x.delivery_method_received,
               x.shipped_at < now() - make_interval(secs => ${settleSeconds}) as settled
          from (${slipsPerOrder(caller.storeId)}) x
         where x.shipped_at is not null and x.slips = 1 and x.shipped_slips = 1 ${after}
         order by x.shipped_at, x.id
         limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const slips = await shippedSlips(
    db,
    page.map((r) => Number(r.id)),
  );
  const data = page.map((row) => {
    const slip = slips.get(Number(row.id));
    return {
      order_code: row.order_code,
      code: slip?.code ?? "",
      finished_at: new Date(row.shipped_at).toISOString(),
      shipped_on: slip?.shipped_on ?? null,
      carrier: slip?.carrier ?? null,
      delivery_method: row.delivery_method_received,
      delivery_tracking_numbers: slip?.tracking_number ? [slip.tracking_number] : [],
    };
  });
  // The cursor moves past settled shipments only (see settleSeconds); they come first, in time order.
  const settled = page.filter((row) => row.settled);
  const last = settled.at(-1);
  const next = last
    ? encodeCursor({ shippedAt: last.shipped_at_exact, orderId: Number(last.id) })
    : (cursorValue ?? "");
  const hasMore = rows.length > limit && settled.length === page.length;
  return { data, next_cursor: next, has_more: hasMore, ...(await pending(db, caller.storeId)) };
}

async function shippedSlips(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return new Map();
  const rows = await queryRows<{
    order_id: number;
    code: string;
    carrier: string | null;
    tracking_number: string | null;
    shipped_on: string | null;
  }>(
    db,
    sql`select distinct sl.order_id, s.code, s.carrier, s.tracking_number, s.shipped_on::text as shipped_on
          from shipment_lines sl join shipments s on s.id = sl.shipment_id
         where s.status = 'shipped'
           and sl.order_id in (${sql.join(
             orderIds.map((id) => sql`${id}`),
             sql`, `,
           )})`,
  );
  return new Map(rows.map((r) => [Number(r.order_id), r]));
}

async function pending(db: Db, storeId: number) {
  const rows = await queryRows<{
    order_code: string;
    status: string;
    slips: number;
    shipped_slips: number;
    total: number;
  }>(
    db,
    sql`select x.order_code, x.status, x.slips, x.shipped_slips, count(*) over ()::int as total
          from (${slipsPerOrder(storeId)}) x
         where x.status <> 'cancelled'
           and not (x.shipped_at is not null and x.slips = 1 and x.shipped_slips = 1)
         order by x.id
         limit 100`,
  );
  return {
    pending: rows.map((r) => ({
      order_code: r.order_code,
      status: r.status,
      reason:
        r.slips > 1
          ? ("split_shipment" as const)
          : r.shipped_slips > 0
            ? ("partly_shipped" as const)
            : ("not_shipped" as const),
    })),
    pending_count: rows[0]?.total ?? 0,
  };
}
