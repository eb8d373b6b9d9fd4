// The admin's frame: sign-in, the navigation, the language switch, and one route per screen.
import {
  AppShell,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, Navigate, Route, Routes, useLocation } from "react-router";
import { ApiError, request, setMerchant } from "./api/client.ts";
import type { SignedIn } from "./api/types.ts";
import { type MessageKey, useI18n } from "./i18n.tsx";
import { ApiKeysPage } from "./pages/ApiKeys.tsx";
import { AppsPage } from "./pages/Apps.tsx";
import { DashboardPage } from "./pages/Dashboard.tsx";
import { InventoryPage } from "./pages/Inventory.tsx";
import { OrderDetailPage } from "./pages/OrderDetail.tsx";
import { OrdersPage } from "./pages/Orders.tsx";
import { ProductsPage } from "./pages/Products.tsx";
import { ShipmentsPage } from "./pages/Shipments.tsx";
import { StoreDetailPage, StoresPage } from "./pages/Stores.tsx";
import { UsersPage } from "./pages/Users.tsx";
import { ErrorAlert } from "./ui.tsx";

const screens: { path: string; label: MessageKey }[] = [
  { path: "/", label: "dashboard" },
  { path: "/orders", label: "orders" },
  { path: "/shipments", label: "shipments" },
  { path: "/inventory", label: "inventory" },
  { path: "/stores", label: "stores" },
  { path: "/products", label: "products" },
  { path: "/apps", label: "apps" },
  { path: "/api-keys", label: "apiKeys" },
  { path: "/users", label: "users" },
];

async function currentSession(): Promise<SignedIn | null> {
  try {
    const session = await request<SignedIn>("GET", "/api/v1/session");
    setMerchant(session.organization.id);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function App() {
  const session = useQuery({ queryKey: ["session"], queryFn: currentSession });
  if (session.isPending)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  if (session.error) return <ErrorAlert error={session.error} />;
  if (!session.data) return <LoginPage />;
  return <Shell session={session.data} />;
}

function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <Button
      variant="subtle"
      size="xs"
      onClick={() => setLanguage(language === "ja" ? "en" : "ja")}
      data-testid="language"
    >
      {t("language")}
    </Button>
  );
}

function LoginPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    mutationFn: () => request<SignedIn>("POST", "/api/v1/session", { email, password }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <Center h="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form onSubmit={submit}>
          <Stack>
            <Group justify="space-between">
              <Title order={3}>{t("appName")}</Title>
              <LanguageSwitch />
            </Group>
            <TextInput
              label={t("email")}
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              required
              autoFocus
            />
            <PasswordInput
              label={t("password")}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              required
            />
            {login.error && <ErrorAlert error={login.error} />}
            <Button type="submit" loading={login.isPending}>
              {t("login")}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

function Shell({ session }: { session: SignedIn }) {
  const { t } = useI18n();
  const location = useLocation();
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: () => request("DELETE", "/api/v1/session"),
    onSuccess: () => {
      setMerchant(null);
      queryClient.clear();
    },
  });
  const active = (path: string) =>
    path === "/" ? location.pathname === "/" : location.pathname.startsWith(path);
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: "sm" }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Title order={4}>Kura</Title>
            <Text c="dimmed" size="sm">
              {session.organization.name}
            </Text>
          </Group>
          <Group>
            <Text size="sm">
              {session.user.name} ({session.user.role})
            </Text>
            <LanguageSwitch />
            <Button variant="default" size="xs" onClick={() => logout.mutate()}>
              {t("logout")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {screens.map((screen) => (
          <NavLink
            key={screen.path}
            component={Link}
            to={screen.path}
            label={t(screen.label)}
            active={active(screen.path)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Routes>
          <Route path="/" element={<DashboardPage />} />
          <Route path="/orders" element={<OrdersPage />} />
          <Route path="/orders/:orderId" element={<OrderDetailPage />} />
          <Route path="/shipments" element={<ShipmentsPage />} />
          <Route path="/inventory" element={<InventoryPage />} />
          <Route path="/stores" element={<StoresPage />} />
          <Route path="/stores/:storeId" element={<StoreDetailPage />} />
          <Route path="/products" element={<ProductsPage />} />
          <Route path="/apps" element={<AppsPage />} />
          <Route path="/api-keys" element={<ApiKeysPage />} />
          <Route path="/users" element={<UsersPage session={session} />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}
