// 受注メールテンプレート: how a merchant tells Kura to read a cart's order-acceptance mail. Pure: no I/O.
//
// A template is text, one rule per line, `key: regular expression` (JavaScript syntax); `#` starts a
// comment line, blank lines are ignored. The mail's text and the rules are both NFKC-normalized first,
// so full-width digits, letters and colons (２, Ａ, ：) match their half-width forms. Each rule is tried
// against each line of the mail on its own; the value is the first capture group (or the named one).
//
//   order_code   required; the first line it matches gives the order code (受注番号)
//   ordered_at   order date-time, Japan time: 2026-11-23 10:15, 2026/11/23 10:15, 2026年11月23日 10時15分
//   buyer_name, buyer_email, buyer_phone, postal_code, address, payment_method, delivery_method
//   subtotal, shipping_fee, total          yen; commas, ¥/￥ and 円 are ignored
//   subject      the template applies only to mails whose subject matches it
//   items_from, items_until                items are read only between a line matching the first and
//                                          the next line matching the second (either may be left out)
// Items, one of two ways:
//   line         one regex per item line with named groups: code, quantity (required), name, price, option
//   item_code    block mode: every match starts an item; then quantity (required), item_name,
//                unit_price, option_code match lines after it, up to the next item_code match
import { z } from "zod";

export const headerKeys = [
  "order_code",
  "ordered_at",
  "buyer_name",
  "buyer_email",
  "buyer_phone",
  "postal_code",
  "address",
  "payment_method",
  "delivery_method",
  "subtotal",
  "shipping_fee",
  "total",
] as const;
const blockKeys = ["item_code", "option_code", "item_name", "quantity", "unit_price"] as const;
const otherKeys = ["line", "subject", "items_from", "items_until"] as const;
const allKeys = new Set<string>([...headerKeys, ...blockKeys, ...otherKeys]);

type HeaderKey = (typeof headerKeys)[number];
type RuleKey = HeaderKey | (typeof blockKeys)[number] | (typeof otherKeys)[number];

export interface Rule {
  key: RuleKey;
  pattern: RegExp;
  /** 1-based line of the template. */
  templateLine: number;
}

export interface CompiledTemplate {
  rules: Map<RuleKey, Rule>;
}

/** A template that cannot be used: `line` is the template's line (1-based) the problem is on. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(line === null ? message : `template line ${line}: ${message}`);
    this.name = "TemplateError";
  }
}

/** A mail the template cannot read: `line` is the mail's line (1-based) it failed on, when there is one. */
export class ExtractionError extends Error {
  constructor(
    readonly code: "no_match" | "invalid_value" | "no_items" | "subject_mismatch",
    message: string,
    readonly line: number | null,
    readonly rule?: string,
  ) {
    super(line === null ? message : `mail line ${line}: ${message}`);
    this.name = "ExtractionError";
  }
}

export function compileTemplate(source: string): CompiledTemplate {
  const rules = new Map<RuleKey, Rule>();
  source.split(/\r?\n/).forEach((raw, index) => {
    const templateLine = index + 1;
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    const match = text.match(/^([A-Za-z_]+)\s*[:：]\s*(.*)$/);
    if (!match) throw new TemplateError("expected `key: regular expression`", templateLine);
    const key = (match[1] as string).toLowerCase();
    const expression = (match[2] as string).normalize("NFKC");
    if (!allKeys.has(key)) {
      throw new TemplateError(`unknown key "${key}"; known keys: ${[...allKeys].join(", ")}`, templateLine);
    }
    if (rules.has(key as RuleKey)) {
      throw new TemplateError(
        `"${key}" is already defined on line ${rules.get(key as RuleKey)?.templateLine}`,
        templateLine,
      );
    }
    if (expression === "") throw new TemplateError(`"${key}" has no regular expression`, templateLine);
    let pattern: RegExp;
    try {
      pattern = new RegExp(expression, "u");
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "";
      throw new TemplateError(`"${key}" is not a valid regular expression (${reason})`, templateLine);
    }
    const needsValue = !["subject", "items_from", "items_until"].includes(key);
    if (needsValue && captureGroups(expression) === 0) {
      throw new TemplateError(`"${key}" needs a capture group ( … ) around the value to take`, templateLine);
    }
    if (key === "line") {
      for (const group of ["code", "quantity"]) {
        if (!expression.includes(`(?<${group}>`)) {
          throw new TemplateError(`"line" needs a named group (?<${group}> … )`, templateLine);
        }
      }
    }
    rules.set(key as RuleKey, { key: key as RuleKey, pattern, templateLine });
  });

  if (!rules.has("order_code")) throw new TemplateError('the template needs an "order_code" rule', null);
  const line = rules.get("line");
  const itemCode = rules.get("item_code");
  if (line && itemCode) {
    throw new TemplateError(
      `use either "line" (line ${line.templateLine}) or "item_code" (line ${itemCode.templateLine}) for items, not both`,
      itemCode.templateLine,
    );
  }
  if (!line && !itemCode) {
    throw new TemplateError('the template needs "line", or "item_code" with "quantity", to read items', null);
  }
  if (itemCode && !rules.has("quantity")) {
    throw new TemplateError('"item_code" needs a "quantity" rule', itemCode.templateLine);
  }
  for (const key of ["option_code", "item_name", "unit_price", "quantity"] as const) {
    const rule = rules.get(key);
    if (rule && !itemCode)
      throw new TemplateError(`"${key}" belongs to "item_code" items`, rule.templateLine);
  }
  return { rules };
}

/** Counts capturing groups: `(` not preceded by `\` and not `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`. */
function captureGroups(expression: string): number {
  let count = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c !== "(") continue;
    if (expression[i + 1] !== "?") count++;
    else if (expression[i + 2] === "<" && !["=", "!"].includes(expression[i + 3] ?? "")) count++;
  }
  return count;
}

export interface ExtractedItem {
  code: string;
  optionCode?: string;
  name?: string;
  quantity: number;
  unitPrice?: number;
  /** The mail line the item starts on. */
  line: number;
}

export interface Extracted {
  orderCode: string;
  orderedAt?: string;
  buyerName?: string;
  buyerEmail?: string;
  buyerPhone?: string;
  postalCode?: string;
  address?: string;
  paymentMethod?: string;
  deliveryMethod?: string;
  subtotal?: number;
  shippingFee?: number;
  total?: number;
  items: ExtractedItem[];
}

export const extractedSchema = z.object({
  orderCode: z.string(),
  orderedAt: z.string().optional(),
  buyerName: z.string().optional(),
  buyerEmail: z.string().optional(),
  buyerPhone: z.string().optional(),
  postalCode: z.string().optional(),
  address: z.string().optional(),
  paymentMethod: z.string().optional(),
  deliveryMethod: z.string().optional(),
  subtotal: z.number().int().optional(),
  shippingFee: z.number().int().optional(),
  total: z.number().int().optional(),
  items: z.array(
    z.object({
      code: z.string(),
      optionCode: z.string().optional(),
      name: z.string().optional(),
      quantity: z.number().int(),
      unitPrice: z.number().int().optional(),
      line: z.number().int(),
    }),
  ),
});

const yenKeys = new Set<RuleKey>(["subtotal", "shipping_fee", "total", "unit_price"]);
const fieldOf: Record<HeaderKey, keyof Extracted> = {
  order_code: "orderCode",
  ordered_at: "orderedAt",
  buyer_name: "buyerName",
  buyer_email: "buyerEmail",
  buyer_phone: "buyerPhone",
  postal_code: "postalCode",
  address: "address",
  payment_method: "paymentMethod",
  delivery_method: "deliveryMethod",
  subtotal: "subtotal",
  shipping_fee: "shippingFee",
  total: "total",
};

/** Does this template apply to a mail with this subject (no `subject` rule: every mail)? */
export function appliesTo(template: CompiledTemplate, subject: string): boolean {
  const rule = template.rules.get("subject");
  return !rule || rule.pattern.test(subject.normalize("NFKC"));
}

/** Reads an order out of a mail's text, or throws ExtractionError naming the mail line it failed on. */
export function extractOrder(template: CompiledTemplate, text: string): Extracted {
  const lines = text.normalize("NFKC").split(/\r?\n/);
  const { rules } = template;
  const result: Partial<Extracted> & { items: ExtractedItem[] } = { items: [] };

  for (const key of headerKeys) {
    const rule = rules.get(key);
    if (!rule) continue;
    const found = firstMatch(rule, lines);
    if (!found) {
      if (key === "order_code") {
        throw new ExtractionError(
          "no_match",
          `"order_code" (template line ${rule.templateLine}) matched no line of the mail`,
          null,
          key,
        );
      }
      continue;
    }
    (result as Record<string, unknown>)[fieldOf[key]] = readValue(rule, found.value, found.line);
  }

  const [from, until] = itemSection(rules, lines);
  result.items = rules.has("line")
    ? lineItems(rules.get("line") as Rule, lines, from, until)
    : blockItems(rules, lines, from, until);
  if (result.items.length === 0) {
    const rule = rules.get("line") ?? rules.get("item_code");
    throw new ExtractionError(
      "no_items",
      `"${rule?.key}" (template line ${rule?.templateLine}) found no item in the mail`,
      null,
      rule?.key,
    );
  }
  return result as Extracted;
}

function firstMatch(rule: Rule, lines: string[], from = 0, until = lines.length) {
  for (let i = from; i < until; i++) {
    const match = (lines[i] as string).match(rule.pattern);
    if (match) return { value: captured(match), line: i + 1, match };
  }
  return undefined;
}

function captured(match: RegExpMatchArray): string {
  const named = match.groups ? Object.values(match.groups).find((v) => v !== undefined) : undefined;
  return (named ?? match[1] ?? "").trim();
}

function readValue(rule: Rule, value: string, line: number): string | number {
  if (yenKeys.has(rule.key)) return readYen(rule.key, value, line);
  if (rule.key === "ordered_at") return readJstDateTime(value, line);
  if (value === "") {
    throw new ExtractionError("invalid_value", `"${rule.key}" took an empty value`, line, rule.key);
  }
  return value;
}

function readYen(key: string, value: string, line: number): number {
  const digits = value.replace(/[,¥￥円\s]/g, "");
  if (!/^-?\d+$/.test(digits)) {
    throw new ExtractionError("invalid_value", `"${key}" took "${value}", not an amount in yen`, line, key);
  }
  return Number(digits);
}

function readQuantity(value: string, line: number): number {
  const digits = value.replace(/[,\s]/g, "");
  if (!/^\d+$/.test(digits) || Number(digits) < 1) {
    throw new ExtractionError(
      "invalid_value",
      `"quantity" took "${value}", not a whole number of at least 1`,
      line,
      "quantity",
    );
  }
  return Number(digits);
}

/** Japan time written in the usual ways → ISO 8601 with +09:00. */
export function readJstDateTime(value: string, line: number): string {
  const match = value.match(
    /^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*\([^)]*\))?(?:[\sT]*(\d{1,2})\s*[:時]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?/,
  );
  const [year, month, day, hour, minute, second] = (match?.slice(1) ?? []).map((part) => Number(part ?? 0));
  const date =
    match && year !== undefined && month !== undefined && day !== undefined
      ? new Date(Date.UTC(year, month - 1, day, (hour ?? 0) - 9, minute ?? 0, second ?? 0))
      : undefined;
  const valid =
    date &&
    !Number.isNaN(date.getTime()) &&
    (month ?? 0) >= 1 &&
    (month ?? 0) <= 12 &&
    (day ?? 0) >= 1 &&
    (day ?? 0) <= 31 &&
    (hour ?? 0) < 24;
  if (!valid) {
    throw new ExtractionError(
      "invalid_value",
      `"ordered_at" took "${value}", not a date-time such as 2026/11/23 10:15`,
      line,
      "ordered_at",
    );
  }
  return date.toISOString();
}

function itemSection(rules: Map<RuleKey, Rule>, lines: string[]): [number, number] {
  const fromRule = rules.get("items_from");
  const untilRule = rules.get("items_until");
  let from = 0;
  if (fromRule) {
    const found = lines.findIndex((l) => fromRule.pattern.test(l));
    if (found < 0) {
      throw new ExtractionError(
        "no_match",
        `"items_from" (template line ${fromRule.templateLine}) matched no line of the mail`,
        null,
        "items_from",
      );
    }
    from = found + 1;
  }
  let until = lines.length;
  if (untilRule) {
    const found = lines.findIndex((l, i) => i >= from && untilRule.pattern.test(l));
    if (found >= 0) until = found;
  }
  return [from, until];
}

function lineItems(rule: Rule, lines: string[], from: number, until: number): ExtractedItem[] {
  const items: ExtractedItem[] = [];
  for (let i = from; i < until; i++) {
    const groups = (lines[i] as string).match(rule.pattern)?.groups;
    if (!groups) continue;
    const line = i + 1;
    const code = (groups.code ?? "").trim();
    if (code === "") throw new ExtractionError("invalid_value", '"line" took an empty code', line, "line");
    items.push({
      code,
      ...(groups.option?.trim() ? { optionCode: groups.option.trim() } : {}),
      ...(groups.name?.trim() ? { name: groups.name.trim() } : {}),
      quantity: readQuantity(groups.quantity ?? "", line),
      ...(groups.price?.trim() ? { unitPrice: readYen("price", groups.price, line) } : {}),
      line,
    });
  }
  return items;
}

function blockItems(
  rules: Map<RuleKey, Rule>,
  lines: string[],
  from: number,
  until: number,
): ExtractedItem[] {
  const codeRule = rules.get("item_code") as Rule;
  const starts: Array<{ line: number; code: string }> = [];
  for (let i = from; i < until; i++) {
    const match = (lines[i] as string).match(codeRule.pattern);
    if (match) starts.push({ line: i, code: captured(match) });
  }
  return starts.map((start, index) => {
    const end = starts[index + 1]?.line ?? until;
    const take = (key: RuleKey) => {
      const rule = rules.get(key);
      // The item_code line itself may carry the other values too.
      return rule ? firstMatch(rule, lines, start.line, end) : undefined;
    };
    const line = start.line + 1;
    if (start.code === "") {
      throw new ExtractionError("invalid_value", '"item_code" took an empty code', line, "item_code");
    }
    const quantity = take("quantity");
    if (!quantity) {
      const rule = rules.get("quantity") as Rule;
      throw new ExtractionError(
        "no_match",
        `the item "${start.code}" has no line matching "quantity" (template line ${rule.templateLine}) before the next item`,
        line,
        "quantity",
      );
    }
    const option = take("option_code");
    const name = take("item_name");
    const price = take("unit_price");
    return {
      code: start.code,
      ...(option?.value ? { optionCode: option.value } : {}),
      ...(name?.value ? { name: name.value } : {}),
      quantity: readQuantity(quantity.value, quantity.line),
      ...(price ? { unitPrice: readYen("unit_price", price.value, price.line) } : {}),
      line,
    };
  });
}
