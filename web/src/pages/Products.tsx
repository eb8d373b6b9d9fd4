// 商品・対応表: products (list, edit) and each store's correspondence table with CSV import (progress bar,
// report of rejected rows) and export.
import {
  Badge,
  Button,
  Card,
  FileButton,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, merchantPath, type Page, qs, upload } from "../api/client.ts";
import type { Correspondence, Product } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { JobProgress } from "../JobProgress.tsx";
import { startJob, useJob } from "../jobs.ts";
import { csvLine, download, ErrorAlert, Pager, useStores } from "../ui.tsx";

export function ProductsPage() {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={2}>{t("products")}</Title>
      <Tabs defaultValue="products" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="products">{t("products")}</Tabs.Tab>
          <Tabs.Tab value="correspondences">{t("correspondences")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="products" pt="md">
          <Products />
        </Tabs.Panel>
        <Tabs.Panel value="correspondences" pt="md">
          <Correspondences />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Products() {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Partial<Product> | null>(null);
  const products = useQuery({
    queryKey: ["products", q, page],
    queryFn: () => api.get<Page<Product>>(`/products${qs({ q, page, limit: 50 })}`),
  });
  const queryClient = useQueryClient();
  const job = useJob("product-import");
  const exportCsv = useMutation({ mutationFn: exportProducts });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["products"] });
  return (
    <Stack>
      <Group align="end">
        <TextInput label={t("productCode")} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <Button onClick={() => setEditing({})}>{t("newProduct")}</Button>
        <Button variant="default" onClick={() => exportCsv.mutate()} loading={exportCsv.isPending}>
          {t("exportCsv")}
        </Button>
        <FileButton
          accept=".csv,text/csv"
          onChange={(file) => file && importProducts(file, t("importCsv"), refresh)}
        >
          {(props) => <Button {...props}>{t("importCsv")}</Button>}
        </FileButton>
      </Group>
      <Text size="xs" c="dimmed">
        CSV: code, name, jan_code, safety_stock
      </Text>
      <JobProgress job={job} />
      <ErrorAlert error={exportCsv.error} />
      <ErrorAlert error={products.error} />
      <Table striped data-testid="products-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("productCode")}</Table.Th>
            <Table.Th>{t("name")}</Table.Th>
            <Table.Th>{t("janCode")}</Table.Th>
            <Table.Th>{t("safetyStock")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {products.data?.data.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.code}</Table.Td>
              <Table.Td>{p.name}</Table.Td>
              <Table.Td>{p.janCode}</Table.Td>
              <Table.Td>{p.safetyStock}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="default" onClick={() => setEditing(p)}>
                  {t("editProduct")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={products.data} onPage={setPage} />
      {editing && <ProductModal product={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

const productColumns = ["code", "name", "jan_code", "safety_stock"];

async function exportProducts() {
  const rows = [csvLine(productColumns)];
  for (let page = 1; ; page++) {
    const result = await api.get<Page<Product>>(`/products?page=${page}&limit=100`);
    for (const p of result.data) rows.push(csvLine([p.code, p.name, p.janCode, p.safetyStock]));
    if (page * result.limit >= result.total_count) break;
  }
  download("products.csv", `\uFEFF${rows.join("\r\n")}\r\n`);
}

/** Product master import (商品マスタ取込): each row upserted in turn; a bad row is reported, the rest go in. */
function importProducts(file: File, label: string, refresh: () => void) {
  startJob("product-import", `${label}: ${file.name}`, async (update) => {
    const lines = (await file.text())
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .filter((line) => line.trim());
    const header = (lines.shift() ?? "").split(",").map((h) => h.trim());
    const rejected: { row: number; column?: string; message: string }[] = [];
    for (const [index, line] of lines.entries()) {
      const cells = parseCsvLine(line);
      const value = (column: string) => cells[header.indexOf(column)]?.trim() ?? "";
      const code = value("code");
      try {
        if (!code) throw new Error("code is required");
        await api.put(`/products/${encodeURIComponent(code)}`, {
          name: value("name"),
          janCode: value("jan_code") || undefined,
          safetyStock: Number(value("safety_stock") || 0),
        });
      } catch (error) {
        const field = (error as { field?: string }).field;
        rejected.push({
          row: index + 2,
          column: field,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      update({ progress: (index + 1) / lines.length, rejected: [...rejected] });
    }
    refresh();
    return { message: `${lines.length - rejected.length} / ${lines.length}`, rejected };
  });
}

/** One CSV line into cells (quotes and doubled quotes). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === "," && !quoted) {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

function ProductModal({ product, onClose }: { product: Partial<Product>; onClose: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [code, setCode] = useState(product.code ?? "");
  const [name, setName] = useState(product.name ?? "");
  const [janCode, setJanCode] = useState(product.janCode ?? "");
  const [safetyStock, setSafetyStock] = useState<number | string>(product.safetyStock ?? 0);
  const save = useMutation({
    mutationFn: () =>
      api.put(`/products/${encodeURIComponent(code)}`, {
        name,
        janCode: janCode || undefined,
        safetyStock: Number(safetyStock),
      }),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["products"] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={product.code ? t("editProduct") : t("newProduct")}>
      <Stack>
        <TextInput
          label={t("productCode")}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          disabled={Boolean(product.code)}
        />
        <TextInput label={t("name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label={t("janCode")} value={janCode} onChange={(e) => setJanCode(e.currentTarget.value)} />
        <NumberInput label={t("safetyStock")} min={0} value={safetyStock} onChange={setSafetyStock} />
        <ErrorAlert error={save.error} />
        <Button onClick={() => save.mutate()} disabled={!code || !name} loading={save.isPending}>
          {t("save")}
        </Button>
      </Stack>
    </Modal>
  );
}

function Correspondences() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const stores = useStores();
  const [storeId, setStoreId] = useState<string | null>(null);
  const store = storeId ?? (stores.data?.data[0] ? String(stores.data.data[0].id) : null);
  const [itemCode, setItemCode] = useState("");
  const [page, setPage] = useState(1);
  const job = useJob(`csv-import-${store}`);
  const entries = useQuery({
    queryKey: ["correspondences", store, itemCode, page],
    enabled: store !== null,
    queryFn: () =>
      api.get<Page<Correspondence>>(`/stores/${store}/correspondences${qs({ itemCode, page, limit: 50 })}`),
  });
  const importCsv = (file: File) =>
    startJob(`csv-import-${store}`, `${t("importCsv")}: ${file.name}`, async (update) => {
      const result = await upload<{ rows: number; created: number; updated: number }>(
        `/stores/${store}/correspondences/import`,
        file,
        "text/csv",
        (ratio) => update({ progress: ratio * 0.9 }),
      );
      queryClient.invalidateQueries({ queryKey: ["correspondences"] });
      return {
        message: `${t("importDone")}: ${result.rows} ${t("row")} (+${result.created} / ${result.updated})`,
      };
    });
  return (
    <Stack>
      <Group align="end">
        <Select
          label={t("store")}
          data={(stores.data?.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
          value={store}
          onChange={setStoreId}
        />
        <TextInput
          label={t("itemCode")}
          value={itemCode}
          onChange={(e) => setItemCode(e.currentTarget.value)}
        />
        <Button
          component="a"
          variant="default"
          href={store ? merchantPath(`/stores/${store}/correspondences.csv`) : undefined}
        >
          {t("exportCsv")}
        </Button>
        <Button
          component="a"
          variant="default"
          href={store ? merchantPath(`/stores/${store}/correspondences.csv?encoding=shift_jis`) : undefined}
        >
          {t("exportCsv")} (Shift_JIS)
        </Button>
        <FileButton accept=".csv,text/csv" onChange={(file) => file && importCsv(file)}>
          {(props) => <Button {...props}>{t("importCsv")}</Button>}
        </FileButton>
      </Group>
      <Card withBorder>
        <JobProgress job={job} />
      </Card>
      <ErrorAlert error={entries.error} />
      <Table striped data-testid="correspondences-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("itemCode")}</Table.Th>
            <Table.Th>{t("optionCode")}</Table.Th>
            <Table.Th>{t("components")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.data?.data.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.itemCode}</Table.Td>
              <Table.Td>{c.optionCode}</Table.Td>
              <Table.Td>{c.components.map((p) => `${p.productCode} × ${p.quantity}`).join(", ")}</Table.Td>
              <Table.Td>{c.unlimitedStock && <Badge>{t("unlimited")}</Badge>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={entries.data} onPage={setPage} />
    </Stack>
  );
}
