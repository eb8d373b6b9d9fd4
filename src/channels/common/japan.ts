// Small readings of Japanese address and carrier strings that several connectors need. Pure functions.
import { normalizeForComparison } from "../../domain/normalize.ts";

const prefectures =
  "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県".split(
    " ",
  );

/** "東京都世田谷区三軒茶屋2-14-1" → prefecture 東京都, rest 世田谷区三軒茶屋2-14-1 (kept whole when none leads). */
export function splitPrefecture(address: string): { prefecture?: string; rest: string } {
  const trimmed = address.trim();
  const prefecture = prefectures.find((p) => trimmed.startsWith(p));
  return prefecture ? { prefecture, rest: trimmed.slice(prefecture.length).trim() } : { rest: trimmed };
}

/** The 47 prefectures in JIS order (code = index + 1). */
export const prefectureByCode = (code: number): string | undefined => prefectures[code - 1];

/** "1540024" / "154-0024" / "〒154-0024" → "154-0024"; anything else as given. */
export function formatPostalCode(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const digits = value.replace(/[^\d]/g, "");
  return digits.length === 7 ? `${digits.slice(0, 3)}-${digits.slice(3)}` : value.trim();
}

export type CarrierFamily = "yamato" | "sagawa" | "japanpost" | "seino" | "fukuyama" | "other";

const carrierWords: Array<[string, CarrierFamily]> = [
  ["ヤマト", "yamato"],
  ["クロネコ", "yamato"],
  ["ネコポス", "yamato"],
  ["宅急便", "yamato"],
  ["佐川", "sagawa"],
  ["日本郵便", "japanpost"],
  ["ゆうパック", "japanpost"],
  ["ゆうパケット", "japanpost"],
  ["ゆうメール", "japanpost"],
  ["クリックポスト", "japanpost"],
  ["レターパック", "japanpost"],
  ["西濃", "seino"],
  ["福山", "fukuyama"],
];

/** Which carrier Kura's carrier name (delivery service master, e.g. ヤマト運輸) means. */
export function carrierFamily(carrier: string): CarrierFamily {
  const name = normalizeForComparison(carrier);
  return carrierWords.find(([word]) => name.includes(normalizeForComparison(word)))?.[1] ?? "other";
}

/** A person's name given as one string; family and given names are kept as the channel wrote them. */
export const joinName = (...parts: Array<string | null | undefined>) =>
  parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(" ");
