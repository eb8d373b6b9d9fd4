// ダッシュボード: what needs attention now — per store and function the last run and what fails and why,
// credentials expiring soon, held orders, urgent bundle candidates (before the cut-off), shipments waiting, orders per day.
import { Alert, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { listBundleCandidates } from "../api/bundles.ts";
import { api } from "../api/client.ts";
import type { Dashboard } from "../api/types.ts";
import { type MessageKey, useI18n } from "../i18n.tsx";
import { countsText, ErrorAlert, StatusBadge } from "../ui.tsx";
import { CandidateBadges } from "./ShipmentsBundles.tsx";

const palette = ["#228be6", "#40c057", "#fab005", "#fa5252", "#7950f2", "#15aabf"];

export function DashboardPage() {
  const { t, v, dateTime } = useI18n();
  const dashboard = useQuery({
    queryKey: ["dashboard"],
    queryFn: () => api.get<Dashboard>("/dashboard"),
    refetchInterval: 5_000,
  });
  const urgentBundles = useQuery({
    queryKey: ["bundle-candidates", "urgent"],
    queryFn: () => listBundleCandidates({ urgent: true, limit: 20 }),
    refetchInterval: 10_000,
  });
  if (dashboard.error) return <ErrorAlert error={dashboard.error} />;
  const d = dashboard.data;
  if (!d) return <Text>{t("loading")}</Text>;
  const orderCount = (status: string) => d.orders.find((o) => o.status === status)?.count ?? 0;
  const shipmentCount = (status: string) => d.shipments.find((s) => s.status === status)?.count ?? 0;
  const failing = d.stores.flatMap((s) =>
    s.functions.filter((f) => f.failing).map((f) => ({ store: s, fn: f })),
  );
  const expiring = d.stores.flatMap((s) => s.credentialsExpiring.map((c) => ({ store: s, credential: c })));
  const urgent = urgentBundles.data;
  return (
    <Stack>
      <Title order={2}>{t("dashboard")}</Title>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Figure label="heldOrders" value={orderCount("held")} color="orange" to="/orders?held=true" />
        <Figure label="shipmentsWaiting" value={shipmentCount("allocated")} color="blue" to="/shipments" />
        <Figure label="whatFails" value={failing.length} color="red" to="/stores" />
        <Figure label="credentialsExpiring" value={expiring.length} color="yellow" to="/stores" />
        <Figure
          label="urgentBundles"
          value={urgent ? urgent.total_count : "—"}
          color="grape"
          to="/shipments"
        />
      </SimpleGrid>
      {failing.length > 0 && (
        <Alert color="red" title={t("whatFails")} data-testid="failing">
          {failing.map(({ store, fn }) => (
            <Text key={`${store.id}-${fn.function}`} size="sm">
              <Link to={`/stores/${store.id}`}>{store.name}</Link> · {v(fn.function)}: {fn.failingReason}
            </Text>
          ))}
        </Alert>
      )}
      {expiring.length > 0 && (
        <Alert color="yellow" title={t("credentialsExpiring")}>
          {expiring.map(({ store, credential }) => (
            <Text key={`${store.id}-${credential.name}`} size="sm">
              {store.name} · {credential.name}: {dateTime(credential.expiresAt)}
            </Text>
          ))}
        </Alert>
      )}
      {urgent && urgent.data.length > 0 && (
        <Card withBorder data-testid="urgent-bundles">
          <Title order={4}>{t("urgentBundles")}</Title>
          {urgent.data.map((c) => (
            <Group key={c.id} gap="xs" py={2}>
              <CandidateBadges candidate={c} />
              {c.members.map((m) => (
                <Link key={m.orderId} to={`/orders/${m.orderId}`}>
                  {m.orderCode}
                </Link>
              ))}
              <Link to="/shipments">→ {t("bundleCandidates")}</Link>
            </Group>
          ))}
        </Card>
      )}
      <Card withBorder>
        <Title order={4}>{t("ordersPerDay")}</Title>
        <OrdersChart data={d.ordersPerDay} stores={d.stores} />
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4}>{t("heldOrders")}</Title>
          {d.heldOrders.length === 0 && <Text c="dimmed">{t("none")}</Text>}
          {d.heldOrders.map((o) => (
            <Text key={o.id} size="sm">
              <Link to={`/orders/${o.id}`}>{o.orderCode}</Link> — {o.holdReasons[0]?.message}
            </Text>
          ))}
        </Card>
        <Card withBorder>
          <Title order={4}>{t("shipmentsWaiting")}</Title>
          <Group>
            {["waiting", "allocated", "in_progress"].map((status) => (
              <Group key={status} gap={4}>
                <StatusBadge value={status} />
                <Text fw={600}>{shipmentCount(status)}</Text>
              </Group>
            ))}
          </Group>
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={4}>{t("perStore")}</Title>
        <Table data-testid="store-functions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("store")}</Table.Th>
              <Table.Th>{t("function")}</Table.Th>
              <Table.Th>{t("lastRun")}</Table.Th>
              <Table.Th>{t("outcome")}</Table.Th>
              <Table.Th>{t("counts")}</Table.Th>
              <Table.Th>{t("status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.stores.flatMap((s) =>
              s.functions.map((f) => (
                <Table.Tr key={`${s.id}-${f.function}`}>
                  <Table.Td>
                    <Link to={`/stores/${s.id}`}>{s.name}</Link>
                  </Table.Td>
                  <Table.Td>{v(f.function)}</Table.Td>
                  <Table.Td>{dateTime(f.lastRun?.startedAt)}</Table.Td>
                  <Table.Td>{f.lastRun ? <StatusBadge value={f.lastRun.outcome} /> : "—"}</Table.Td>
                  <Table.Td>
                    <Text size="xs">{f.lastRun ? countsText(f.lastRun.counts) : ""}</Text>
                  </Table.Td>
                  <Table.Td>
                    {f.paused && <Badge color="gray">{t("paused")}</Badge>}
                    {f.failing ? (
                      <Text size="xs" c="red">
                        {f.failingReason}
                      </Text>
                    ) : (
                      !f.paused && (
                        <Badge color="green" variant="light">
                          {t("ok")}
                        </Badge>
                      )
                    )}
                  </Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

function Figure({
  label,
  value,
  color,
  to,
}: {
  label: MessageKey;
  value: number | string;
  color: string;
  to: string;
}) {
  const { t } = useI18n();
  return (
    <Card withBorder component={Link} to={to} data-testid={`figure-${label}`}>
      <Text size="sm" c="dimmed">
        {t(label)}
      </Text>
      <Text size="xl" fw={700} c={color}>
        {value}
      </Text>
    </Card>
  );
}

/** Stacked bars, one per day, one colour per store. */
function OrdersChart({ data, stores }: { data: Dashboard["ordersPerDay"]; stores: Dashboard["stores"] }) {
  const days: string[] = [];
  for (let i = 13; i >= 0; i--)
    days.push(new Date(Date.now() + 9 * 3_600_000 - i * 86_400_000).toISOString().slice(0, 10));
  const storeIds = stores.map((s) => s.id);
  const countOf = (day: string, storeId: number) =>
    data.find((d) => d.day === day && d.storeId === storeId)?.count ?? 0;
  const totals = days.map((day) => storeIds.reduce((sum, id) => sum + countOf(day, id), 0));
  const max = Math.max(1, ...totals);
  const width = 700;
  const height = 180;
  const bar = width / days.length;
  return (
    <Stack gap="xs">
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        width="100%"
        role="img"
        aria-label="orders per day"
        data-testid="orders-chart"
      >
        {days.map((day, i) => {
          let y = height;
          return (
            <g key={day}>
              {storeIds.map((id, s) => {
                const h = (countOf(day, id) / max) * (height - 16);
                y -= h;
                if (h === 0) return null;
                return (
                  <rect
                    key={id}
                    x={i * bar + 4}
                    y={y}
                    width={bar - 8}
                    height={h}
                    fill={palette[s % palette.length]}
                  />
                );
              })}
              <text x={i * bar + bar / 2} y={height + 14} fontSize="10" textAnchor="middle">
                {day.slice(5)}
              </text>
              {totals[i] ? (
                <text x={i * bar + bar / 2} y={y - 3} fontSize="10" textAnchor="middle">
                  {totals[i]}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <Group>
        {stores.map((s, i) => (
          <Group key={s.id} gap={4}>
            <div style={{ width: 10, height: 10, background: palette[i % palette.length] }} />
            <Text size="xs">{s.name}</Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}
