import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { maskSecret, SecretBox } from "./secrets.ts";

describe("the secret box", () => {
  const box = new SecretBox(randomBytes(32).toString("base64url"));

  it("gives back what it sealed, and never the same ciphertext twice", () => {
    const a = box.seal("SP123456_licenseKey");
    expect(box.open(a)).toBe("SP123456_licenseKey");
    expect(box.seal("SP123456_licenseKey")).not.toBe(a);
    expect(a).not.toContain("licenseKey");
  });

  it("refuses a tampered value and a value sealed with another key", () => {
    const sealed = box.seal("secret");
    const parts = sealed.split(".");
    parts[2] = Buffer.from("tampered").toString("base64url");
    expect(() => box.open(parts.join("."))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it("accepts a hex key and refuses one of the wrong length", () => {
    expect(() => new SecretBox("ab".repeat(32))).not.toThrow();
    expect(() => new SecretBox("short")).toThrow(/32 bytes/);
  });

  it("masks all but the last four characters", () => {
    expect(maskSecret("abcdefghijkl")).toBe("****ijkl");
    expect(maskSecret("short")).toBe("****");
  });
});
