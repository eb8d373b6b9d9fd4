// 商品コード: product codes are half-width letters, digits, hyphen and underscore only.

const productCodePattern = /^[A-Za-z0-9_-]+$/;

export function isValidProductCode(code: string): boolean {
  return productCodePattern.test(code);
}

/** The characters of `code` that a product code may not contain, each listed once, in order. */
export function forbiddenCharacters(code: string): string[] {
  return [...new Set([...code].filter((ch) => !/[A-Za-z0-9_-]/.test(ch)))];
}

export const productCodeRule = "half-width letters, digits, '-' and '_' only";
