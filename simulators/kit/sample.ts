// Seeded sample data for the simulators' order generators: a reproducible random source, and Japanese buyers
// (family and given names with kana, real postal code and town combinations, a house number). Each generator
// turns a buyer into its channel's own fields and draws the rest (phone, e-mail, building) in its own order.

/** A reproducible random source: the same seed gives the same draws. */
export interface Dice {
  /** In [0, 1), like Math.random. */
  random(): number;
  /** One element of a non-empty list, in one draw whatever the list's length. */
  pick<T>(list: readonly T[]): T;
}

export function seededDice(seed: number): Dice {
  const random = mulberry32(seed);
  return { random, pick: <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T };
}

/** A moment in [from, to), in one draw. */
export function instantBetween(random: () => number, from: Date, to: Date): Date {
  return new Date(from.getTime() + Math.floor(random() * (to.getTime() - from.getTime())));
}

/** Four digits ("0427") in one draw: a phone number's part, a mailbox name's. */
export function fourDigits(random: () => number): string {
  return String(Math.floor(random() * 10_000)).padStart(4, "0");
}

/** [kanji, kana]. */
type Name = readonly [string, string];
/** [postal code, prefecture, city, town]: real combinations. */
type Town = readonly [string, string, string, string];

const familyNames: readonly Name[] = [
  ["佐藤", "サトウ"],
  ["鈴木", "スズキ"],
  ["高橋", "タカハシ"],
  ["田中", "タナカ"],
  ["伊藤", "イトウ"],
  ["渡辺", "ワタナベ"],
  ["山本", "ヤマモト"],
  ["中村", "ナカムラ"],
  ["小林", "コバヤシ"],
  ["加藤", "カトウ"],
  ["吉田", "ヨシダ"],
  ["山口", "ヤマグチ"],
];

const givenNames: readonly Name[] = [
  ["花子", "ハナコ"],
  ["一郎", "イチロウ"],
  ["美咲", "ミサキ"],
  ["健太", "ケンタ"],
  ["さくら", "サクラ"],
  ["翔太", "ショウタ"],
  ["陽菜", "ヒナ"],
  ["大輝", "ダイキ"],
  ["結衣", "ユイ"],
  ["蓮", "レン"],
];

const towns: readonly Town[] = [
  ["1540024", "東京都", "世田谷区", "三軒茶屋"],
  ["1500001", "東京都", "渋谷区", "神宮前"],
  ["5300001", "大阪府", "大阪市北区", "梅田"],
  ["4600008", "愛知県", "名古屋市中区", "栄"],
  ["8120011", "福岡県", "福岡市博多区", "博多駅前"],
  ["0600001", "北海道", "札幌市中央区", "北一条西"],
  ["9800021", "宮城県", "仙台市青葉区", "中央"],
  ["6008216", "京都府", "京都市下京区", "東塩小路町"],
  ["2200012", "神奈川県", "横浜市西区", "みなとみらい"],
  ["9000006", "沖縄県", "那覇市", "おもろまち"],
];

/** The names and towns buyers are drawn from. */
export interface BuyerPool {
  familyNames: readonly Name[];
  givenNames: readonly Name[];
  towns: readonly Town[];
}

/** Every name and town the kit has. */
export const kitBuyers: BuyerPool = { familyNames, givenNames, towns };

/** The first `n` entries of a table, or those named (names by their kanji, towns by postal code). */
type Choice = number | readonly string[];

/**
 * Part of the kit's pool, in the kit's order. A generator whose seeds were first drawn from a smaller table
 * keeps that table this way, so that a seed still gives the same buyers.
 */
export function buyerPool(choice: { familyNames?: Choice; givenNames?: Choice; towns?: Choice }): BuyerPool {
  return {
    familyNames: choose(familyNames, choice.familyNames),
    givenNames: choose(givenNames, choice.givenNames),
    towns: choose(towns, choice.towns),
  };
}

function choose<T extends readonly string[]>(table: readonly T[], choice: Choice | undefined): readonly T[] {
  if (choice === undefined) return table;
  if (typeof choice === "number") return table.slice(0, choice);
  const chosen = table.filter((row) => choice.includes(row[0] as string));
  if (chosen.length !== choice.length)
    throw new Error(`the kit's sample tables lack one of ${choice.join(", ")}`);
  return chosen;
}

export interface SampleBuyer {
  familyName: string;
  familyKana: string;
  givenName: string;
  givenKana: string;
  /** Seven digits, no hyphen. */
  zip: string;
  prefecture: string;
  city: string;
  town: string;
  /** The house number after the town: `2-14-1`. */
  block: string;
}

/** A buyer, drawn in this order: family name, given name, town, then the house number's three parts. */
export function sampleBuyer({ random, pick }: Dice, pool: BuyerPool = kitBuyers): SampleBuyer {
  const [familyName, familyKana] = pick(pool.familyNames);
  const [givenName, givenKana] = pick(pool.givenNames);
  const [zip, prefecture, city, town] = pick(pool.towns);
  const block = `${1 + Math.floor(random() * 5)}-${1 + Math.floor(random() * 20)}-${1 + Math.floor(random() * 15)}`;
  return { familyName, familyKana, givenName, givenKana, zip, prefecture, city, town, block };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
