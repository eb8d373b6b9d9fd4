// Small pieces every screen uses: errors, paging, status badges, the store list.
import { Alert, Badge, Button, Group, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { ApiError, api, type Page } from "./api/client.ts";
import type { Store } from "./api/types.ts";
import { useI18n } from "./i18n.tsx";

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const field = error instanceof ApiError && error.field ? ` (${error.field})` : "";
  return (
    <Alert color="red" role="alert" title={error instanceof ApiError ? error.code : undefined}>
      {message}
      {field}
    </Alert>
  );
}

const statusColors: Record<string, string> = {
  held: "orange",
  awaiting_payment: "yellow",
  awaiting_allocation: "grape",
  not_yet_shippable: "gray",
  awaiting_shipment: "blue",
  shipped: "green",
  cancelled: "dark",
  waiting: "grape",
  allocated: "blue",
  in_progress: "cyan",
  on_hold: "orange",
  succeeded: "green",
  failed: "red",
  abandoned: "orange",
  running: "cyan",
  open: "green",
  closed: "gray",
};

export function StatusBadge({ value }: { value: string }) {
  const { v } = useI18n();
  return (
    <Badge color={statusColors[value] ?? "gray"} variant="light">
      {v(value)}
    </Badge>
  );
}

export function Pager({ page, onPage }: { page?: Page<unknown>; onPage: (page: number) => void }) {
  const { t } = useI18n();
  if (!page) return null;
  const last = Math.max(1, Math.ceil(page.total_count / page.limit));
  return (
    <Group gap="xs">
      <Button
        size="xs"
        variant="default"
        disabled={page.current_page <= 1}
        onClick={() => onPage(page.current_page - 1)}
      >
        {t("previous")}
      </Button>
      <Text size="sm">
        {page.current_page} / {last} ({page.total_count} {t("of")})
      </Text>
      <Button
        size="xs"
        variant="default"
        disabled={page.current_page >= last}
        onClick={() => onPage(page.current_page + 1)}
      >
        {t("next")}
      </Button>
    </Group>
  );
}

export function useStores() {
  return useQuery({ queryKey: ["stores"], queryFn: () => api.get<Page<Store>>("/stores?limit=100") });
}

export function useStoreName() {
  const stores = useStores();
  return (id: number) => stores.data?.data.find((s) => s.id === id)?.name ?? `#${id}`;
}

/** Counts of a run as "fetched 3 · created 2", leaving zeros out. */
export function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0);
  return parts.length ? parts.map(([k, n]) => `${k} ${n}`).join(" · ") : "—";
}

/** Saves text as a file in the browser. */
export function download(filename: string, text: string, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return values
    .map((value) => {
      const text = value === null || value === undefined ? "" : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(",");
}
