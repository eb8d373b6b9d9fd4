#!/usr/bin/env node
// Entry for `npx kura …`: runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
