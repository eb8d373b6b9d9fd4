// Tables of this feature; re-exported from ../schema.ts so drizzle and the relational queries see them.
export {};
