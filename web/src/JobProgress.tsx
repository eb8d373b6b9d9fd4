// A long operation's progress bar and its report of rejected rows.
import { Alert, Progress, Stack, Table, Text } from "@mantine/core";
import { useI18n } from "./i18n.tsx";
import type { Job } from "./jobs.ts";

export function JobProgress({ job }: { job?: Job }) {
  const { t } = useI18n();
  if (!job) return null;
  const color = job.state === "failed" ? "red" : job.state === "done" ? "green" : "blue";
  return (
    <Stack gap="xs" data-testid="job-progress">
      <Text size="sm">
        {job.label}:{" "}
        {job.state === "running" ? t("running") : job.state === "done" ? t("done") : t("failedRows")}{" "}
        {Math.round(job.progress * 100)}%
      </Text>
      <Progress value={job.progress * 100} color={color} animated={job.state === "running"} />
      {job.message && <Alert color={job.state === "failed" ? "red" : "green"}>{job.message}</Alert>}
      {job.rejected.length > 0 && (
        <Table data-testid="rejected-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("row")}</Table.Th>
              <Table.Th>{t("column")}</Table.Th>
              <Table.Th>{t("message")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {job.rejected.map((row) => (
              <Table.Tr key={`${row.row}-${row.column}-${row.message}`}>
                <Table.Td>{row.row}</Table.Td>
                <Table.Td>{row.column}</Table.Td>
                <Table.Td>{row.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
