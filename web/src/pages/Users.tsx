// ユーザー: who signs in to this admin (admins manage users; operators do the daily work).
import { Button, Group, PasswordInput, Select, Stack, Table, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import type { SignedIn } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert } from "../ui.tsx";

interface User {
  id: number;
  email: string;
  name: string;
  role: "admin" | "operator";
}

export function UsersPage({ session }: { session: SignedIn }) {
  const { t, v } = useI18n();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ["users"], queryFn: () => api.get<{ data: User[] }>("/users") });
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<string | null>("operator");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["users"] });
  const add = useMutation({
    mutationFn: () => api.post("/users", { email, name, password, role }),
    onSuccess: refresh,
  });
  const disable = useMutation({ mutationFn: (id: number) => api.delete(`/users/${id}`), onSettled: refresh });
  const isAdmin = session.user.role === "admin";
  return (
    <Stack>
      <Title order={2}>{t("users")}</Title>
      {isAdmin && (
        <Group align="end">
          <TextInput label={t("email")} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <TextInput label={t("name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <PasswordInput
            label={t("password")}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Select
            label={t("role")}
            data={["admin", "operator"].map((r) => ({ value: r, label: v(r) }))}
            value={role}
            onChange={setRole}
            allowDeselect={false}
          />
          <Button onClick={() => add.mutate()} loading={add.isPending}>
            {t("newUser")}
          </Button>
        </Group>
      )}
      <ErrorAlert error={users.error ?? add.error ?? disable.error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("email")}</Table.Th>
            <Table.Th>{t("name")}</Table.Th>
            <Table.Th>{t("role")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data?.data.map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{u.name}</Table.Td>
              <Table.Td>{v(u.role)}</Table.Td>
              <Table.Td>
                {isAdmin && u.id !== session.user.id && (
                  <Button size="xs" color="red" variant="subtle" onClick={() => disable.mutate(u.id)}>
                    {t("disable")}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
