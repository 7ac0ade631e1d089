import { describe, expect, it } from "vitest";
import { commentText, identifierFrom, IdentifierPool, stringLiteral } from "../generator/emit/names.js";

describe("identifierFrom", () => {
  it.each([
    ["dense_1", "dense_1"],
    ["Dense-1", "dense_1"],
    ["1st layer", "l1st_layer"],
    ["class", "class_"],
    ["predict", "predict_"],
    ["`${x}`*/\n", "x"],
    ["日本語", "layer"],
    ["café", "cafe"],
    ["", "layer"],
  ])("%j -> %s", (input, want) => {
    expect(identifierFrom(input)).toBe(want);
  });

  it("only ever produces [a-z0-9_] identifiers not starting with a digit", () => {
    for (const s of ["a b", "\u2028", "__proto__", "constructor", "x".repeat(500), "-1", "$", "ü"]) {
      expect(identifierFrom(s)).toMatch(/^[a-z_][a-z0-9_]{0,59}$/);
    }
  });
});

describe("IdentifierPool", () => {
  it("makes clashing names unique and never hands out reserved words", () => {
    const pool = new IdentifierPool(["dense"]);
    expect(pool.claim("dense")).toBe("dense_2");
    expect(pool.claim("dense")).toBe("dense_3");
    expect(pool.claim("lstm_h")).toBe("lstm_h");
    expect(pool.claim("new")).toBe("new_2");
  });
});

describe("stringLiteral and commentText", () => {
  it("escape everything that could end a string or a comment", () => {
    const nasty = 'a"b\'c`d${e}\\f\ng\u2028h\u2029i*/j';
    const literal = stringLiteral(nasty);
    expect(new Function(`return ${literal}`)()).toBe(nasty);
    expect(literal).not.toMatch(/[\n\u2028\u2029]/);
    const comment = commentText(nasty);
    expect(comment).not.toMatch(/[\n\r\u2028\u2029]|\*\//);
  });
});
