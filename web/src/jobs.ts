// Long operations (CSV imports, tracking uploads) run here, outside any screen: an operator can leave the
// screen and come back to the progress and the report while the app stays open.
import { useSyncExternalStore } from "react";

export interface Job {
  id: string;
  label: string;
  /** 0…1 */
  progress: number;
  state: "running" | "done" | "failed";
  message?: string;
  rejected: { row: number; column?: string; message: string }[];
}

let jobs: Job[] = [];
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

export function updateJob(id: string, change: Partial<Job>) {
  jobs = jobs.map((job) => (job.id === id ? { ...job, ...change } : job));
  notify();
}

/** Starts `work` as a job of this kind (one at a time per kind; a new one replaces a finished one). */
export function startJob(
  kind: string,
  label: string,
  work: (update: (change: Partial<Job>) => void) => Promise<Partial<Job>>,
) {
  const id = `${kind}-${Date.now()}`;
  jobs = [
    ...jobs.filter((job) => !job.id.startsWith(`${kind}-`)),
    { id, label, progress: 0, state: "running", rejected: [] },
  ];
  notify();
  work((change) => updateJob(id, change)).then(
    (result) => updateJob(id, { progress: 1, state: "done", ...result }),
    (error: unknown) =>
      updateJob(id, {
        state: "failed",
        message: error instanceof Error ? error.message : String(error),
        rejected: (error as { rows?: Job["rejected"] }).rows ?? [],
      }),
  );
}

export function useJob(kind: string): Job | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => jobs.find((job) => job.id.startsWith(`${kind}-`)),
  );
}
