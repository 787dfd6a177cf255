import { afterEach, describe, expect, it } from "vitest";
import {
  clearRegisteredSecretsForTests,
  hashOf,
  holdsSecret,
  redact,
  redactionsSoFar,
  registeredForms,
  registerSecret,
} from "./redact.ts";

afterEach(() => {
  clearRegisteredSecretsForTests();
});

describe("redact", () => {
  it("replaces a registered secret wherever it appears", () => {
    registerSecret("s3cr3t-Value~with.odd_chars");
    expect(
      redact("secret is s3cr3t-Value~with.odd_chars, again s3cr3t-Value~with.odd_chars!"),
    ).toBe("secret is [redacted], again [redacted]!");
  });

  it("ignores values too short to replace safely", () => {
    registerSecret("abc");
    registerSecret(undefined);
    expect(redact("abc def")).toBe("abc def");
  });

  it("hides secret-bearing form fields and JSON properties", () => {
    const body =
      "grant_type=client_credentials&client_secret=abc%2Fdef&client_assertion=xyz.abc&scope=x";
    expect(redact(body)).toBe(
      "grant_type=client_credentials&client_secret=[redacted]&client_assertion=[redacted]&scope=x",
    );
    expect(redact('{"access_token":"opaque-token-value","token_type":"Bearer"}')).toBe(
      '{"access_token":"[redacted]","token_type":"Bearer"}',
    );
  });

  it("hides anything shaped like a JWT and bearer tokens", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect(redact(`token ${jwt} here`)).toBe("token [redacted-jwt] here");
    expect(redact("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer [redacted]");
  });

  // Each of these kills a one-line bug that once survived the whole suite (issue 14, item 12).
  it("replaces a secret as short as six characters", () => {
    registerSecret("k9#Qz!");
    expect(redact("password k9#Qz! here")).toBe("password [redacted] here");
  });

  it("replaces a secret that ends the text, and a text that is only the secret", () => {
    registerSecret("k9#Qz!");
    expect(redact("password k9#Qz!")).toBe("password [redacted]");
    expect(redact("k9#Qz!")).toBe("[redacted]");
  });

  it("registers a secret without the whitespace around it (as read from a file or env)", () => {
    registerSecret("  s3cr3t-from-a-file\n");
    expect(redact("got s3cr3t-from-a-file back")).toBe("got [redacted] back");
  });

  it("hides every credential-bearing field, in any case", () => {
    expect(redact("grant_type=refresh_token&refresh_token=0.AXYZ-opaque")).toBe(
      "grant_type=refresh_token&refresh_token=[redacted]",
    );
    expect(redact('{"Access_Token": "opaque-token-value"}')).toBe('{"Access_Token": "[redacted]"}');
    expect(redact("CLIENT_SECRET=abc123def")).toBe("CLIENT_SECRET=[redacted]");
  });

  it("hides a bearer token whatever the case of the scheme", () => {
    expect(redact("authorization: bearer opaque.token-value")).toBe(
      "authorization: bearer [redacted]",
    );
    expect(redact("BEARER opaque.token-value")).toBe("BEARER [redacted]");
  });

  describe("a registered secret in the forms a server may echo it in", () => {
    const secret = "Zq8~Tx3.fake/Secret+Value_9Kd2";
    const around = (inner: string) => `https://echo.example.com/cb?x=${inner}&y=1`;

    it.each([
      ["lower case", secret.toLowerCase()],
      ["upper case", secret.toUpperCase()],
      ["percent-encoded", encodeURIComponent(secret)],
      ["percent-encoded, lower-case hex", encodeURIComponent(secret).toLowerCase()],
    ])("%s", (_label, form) => {
      registerSecret(secret);
      expect(redact(around(form))).toBe(around("[redacted]"));
    });

    it.each([0, 1, 2, 5])(
      "base64 and base64url, after %i other bytes in the encoded text",
      (offset) => {
        registerSecret(secret);
        const encoded = Buffer.from(`${"u:".repeat(offset).slice(0, offset)}${secret}|tail`);
        for (const text of [encoded.toString("base64"), encoded.toString("base64url")]) {
          const shown = redact(around(text));
          expect(shown).toContain("[redacted]");
          // What is left around the cut decodes to at most two bytes of the secret per side.
          const left = shown.slice(shown.indexOf("x=") + 2, shown.indexOf("[redacted]"));
          const right = shown.slice(shown.indexOf("[redacted]") + 10, shown.indexOf("&y=1"));
          expect(left.length + right.length).toBeLessThanOrEqual(
            Math.ceil(((offset + 2) * 4) / 3) + 12,
          );
        }
      },
    );

    it("JSON-escaped, as a JSON body or a JSON log line carries it", () => {
      const quoted = 'p@ss"w\\rd-123456';
      registerSecret(quoted);
      const body = JSON.stringify({ message: `echo ${quoted} end` });
      expect(body).not.toContain(quoted);
      expect(redact(body)).toBe('{"message":"echo [redacted] end"}');
    });

    it("every occurrence of a base64 form, and only in its own case", () => {
      registerSecret(secret);
      const encoded = Buffer.from(secret).toString("base64");
      expect(redact(`${encoded} and ${encoded}`)).toBe("[redacted] and [redacted]");
      // Base64 in another case stands for other bytes: not the secret.
      const other = encoded.toLowerCase();
      expect(redact(other)).toBe(other);
    });

    it("several secrets in one text, each in lower case", () => {
      registerSecret(secret);
      registerSecret("Another-Secret-Value-42");
      expect(redact(`${secret.toLowerCase()} / another-secret-value-42`)).toBe(
        "[redacted] / [redacted]",
      );
    });

    it("a JWT in lower case, which the JWT shape no longer finds", () => {
      const token = "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJjb250b3NvIn0.c2lnbmF0dXJlLXZhbHVl";
      registerSecret(token);
      expect(redact(`url=${token.toLowerCase()}`)).toBe("url=[redacted]");
    });

    it("counts what it replaced, and holdsSecret looks without counting", () => {
      registerSecret(secret);
      const before = redactionsSoFar();
      expect(holdsSecret(`a ${secret} b`)).toBe(true);
      expect(holdsSecret("nothing here")).toBe(false);
      expect(redactionsSoFar()).toBe(before);
      redact(`${secret} and ${secret.toLowerCase()} and Bearer abcdef.ghi`);
      expect(redactionsSoFar()).toBe(before + 3);
      // Redacting twice finds nothing new.
      const once = redact("client_secret=abcdef&access_token=xyz123");
      const count = redactionsSoFar();
      expect(redact(once)).toBe(once);
      expect(redactionsSoFar()).toBe(count);
    });

    it("does not look for base64 runs too short to be told from chance", () => {
      registerSecret("k9#Qz!");
      // "k9#Qz!" encodes to "azkjUXoh"; its shifted runs ("OSNR", "I1F6") are too short to seek.
      expect(redact("OSNR I1F6 plain")).toBe("OSNR I1F6 plain");
      expect(redact(Buffer.from("k9#Qz!").toString("base64"))).toBe("[redacted]");
    });
  });

  it("replaces the longest of two secrets that start alike, leaving no tail of it", () => {
    registerSecret("shared-prefix-1");
    registerSecret("shared-prefix-1234567");
    expect(redact("a shared-prefix-1234567 b shared-prefix-1 c")).toBe(
      "a [redacted] b [redacted] c",
    );
  });

  it("finds a long secret (kept as head, length and hash) in every form, and nothing that only starts like it", () => {
    const secret = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo".repeat(20)}.c2ln`;
    registerSecret(secret);
    const shifted = Buffer.from(`ab${secret}cd`).toString("base64url");
    expect(redact(`[${secret.toLowerCase()}]`)).toBe("[[redacted]]");
    // Base64 at an offset: at most a few characters of the bytes around it are left.
    expect(redact(shifted)).toMatch(/^[\w-]{0,4}\[redacted\][\w-]{0,4}$/);
    // The same first characters and length, another ending: not the secret.
    const lookalike = `${secret.slice(0, -4)}QUJD`;
    expect(redact(`x=${lookalike.replaceAll(".", "_")}`)).toBe(
      `x=${lookalike.replaceAll(".", "_")}`,
    );
    const other = `${"Z".repeat(40)}${secret.slice(40)}`;
    expect(redact(other.replaceAll(".", "_"))).toBe(other.replaceAll(".", "_"));
    // A secret cut short by the end of the text is not the whole secret.
    const plain = "a-long-client-secret-value-that-is-not-a-jwt-0123456789";
    registerSecret(plain);
    expect(redact(`end ${plain.slice(0, 45)}`)).toBe(`end ${plain.slice(0, 45)}`);
    expect(redact(`end ${plain}`)).toBe("end [redacted]");
  });

  it("finds a secret of exactly 32 characters, the longest kept whole, in any case", () => {
    const secret = "Abcdefghij-0123456789-klmnopqrst"; // 32 characters: kept whole, not hashed
    expect(secret).toHaveLength(32);
    registerSecret(secret);
    expect(redact(`a ${secret} b ${secret.toLowerCase()} c`)).toBe("a [redacted] b [redacted] c");
    const longer = `${secret}Z`; // 33 characters: the first one kept as head and hash
    registerSecret(longer);
    expect(redact(`x ${longer.toUpperCase()} y`)).toBe("x [redacted] y");
  });

  it("leaves a text that only shares a short secret's first characters and length", () => {
    registerSecret("secret-12345");
    expect(redact("secret-99999 and secret-12345")).toBe("secret-99999 and [redacted]");
  });

  it("finds a secret among thousands, in every form, next to text that lower-cases longer", () => {
    for (let index = 0; index < 2000; index++) registerSecret(`tenant-token-${index}-value`);
    const secret = "tenant-token-1234-value";
    const base64 = Buffer.from(`xy${secret}`).toString("base64");
    // "İ" lower-cases to two characters: positions in the text must still line up.
    const text = `İ ${secret.toUpperCase()} İ ${encodeURIComponent(secret)} ${base64} end`;
    const shown = redact(text);
    expect(shown.startsWith("İ [redacted] İ [redacted] ")).toBe(true);
    expect(shown.split("[redacted]")).toHaveLength(4);
    expect(shown.endsWith(" end")).toBe(true);
    expect(shown).not.toContain(base64);
    // A secret with such a character is found in any case too.
    registerSecret("İstanbul-secret");
    expect(redact("x İSTANBUL-SECRET y")).toBe("x [redacted] y");
  });

  it("registers no form at all of a value shorter than six characters", () => {
    // Their percent-encoded, JSON-escaped or base64 forms can be longer than six characters.
    registerSecret("k9#Q!");
    registerSecret('a"b"c');
    registerSecret("ééééé");
    const forms = [
      encodeURIComponent("k9#Q!"),
      JSON.stringify('a"b"c').slice(1, -1),
      Buffer.from("ééééé").toString("base64"),
    ];
    expect(forms.map((form) => form.length >= 6)).toEqual([true, true, true]);
    expect(redact(`x ${forms.join(" ")} y`)).toBe(`x ${forms.join(" ")} y`);
  });

  it("finds a secret lower-cased where its letters' lower case is not the obvious one", () => {
    // Capital sharp s (ẞ → ß) and the Kelvin sign (K → k): their upper case is themselves.
    registerSecret("GROẞE-\u212A-secret-value");
    expect(redact("x große-k-secret-value y")).toBe("x [redacted] y");
    // A final capital sigma lower-cases to ς, not σ, as a server's lower-casing writes it.
    registerSecret("ΚΩΔΙΚΟΣ-1234");
    expect(redact("x=κωδικος-1234&y")).toBe("x=[redacted]&y");
  });

  it("finds a secret echoed in upper case where its letters' upper case is not one letter back", () => {
    // ß upper-cases to SS, the dotless ı to I (lower case i), a σ that ends a word to Σ (then ς).
    registerSecret("Straße-secret-1");
    expect(redact("x STRASSE-SECRET-1 y")).toBe("x [redacted] y");
    registerSecret("kırmızı-secret-2");
    expect(redact("x=KIRMIZI-SECRET-2&y")).toBe("x=[redacted]&y");
    registerSecret("secret-λόγοσ-3");
    expect(redact("x SECRET-ΛΌΓΟΣ-3 y")).toBe("x [redacted] y");
  });

  it("finds a secret shaped like base64 and another secret's base64 that starts like it, as long", () => {
    const other = "Tenant-B-client-secret-01";
    const encoded = Buffer.from(other.slice(0, 24)).toString("base64");
    const lookalike = `${encoded.slice(0, 6)}-a-secret-that-looks-alike`;
    expect(lookalike).toHaveLength(encoded.length);
    registerSecret(other);
    registerSecret(lookalike);
    // The lookalike is found in any case; the base64 only in its own.
    expect(redact(`a ${lookalike} b ${lookalike.toUpperCase()} c ${encoded} d`)).toBe(
      "a [redacted] b [redacted] c [redacted] d",
    );
    expect(redact(encoded.toLowerCase())).toBe(encoded.toLowerCase());
  });

  describe("what the registry holds (issue 18: memory per token)", () => {
    it("holds a secret registered again, or with whitespace around it, once", () => {
      registerSecret("Secret-Value-1234");
      // Its lower case (also its percent-encoded and JSON forms: the same text here), 17
      // characters, and its base64 at three offsets (base64url is the same text), 20 each.
      expect(registeredForms()).toEqual({ forms: 4, characters: 17 + 3 * 20 });
      registerSecret("Secret-Value-1234");
      registerSecret("  Secret-Value-1234\n");
      expect(registeredForms()).toEqual({ forms: 4, characters: 77 });
      // In another case: the same lower-case form, three more base64 runs.
      registerSecret("SECRET-VALUE-1234");
      expect(registeredForms()).toEqual({ forms: 7, characters: 77 + 3 * 20 });
      expect(redact("x SECRET-VALUE-1234 y")).toBe("x [redacted] y");
    });

    it("holds a long form as its first 32 characters, whatever its length", () => {
      // Lower case and base64 at three offsets: four forms of 100 to 1,332 characters.
      registerSecret("a1B2c3D4e5".repeat(100));
      expect(registeredForms()).toEqual({ forms: 4, characters: 4 * 32 });
      registerSecret("a1B2c3D4e5".repeat(100));
      expect(registeredForms()).toEqual({ forms: 4, characters: 4 * 32 });
      registerSecret("a1B2c3D4e5".repeat(10));
      expect(registeredForms()).toEqual({ forms: 8, characters: 8 * 32 });
      expect(redact(`<${"A1B2C3D4E5".repeat(100)}>`)).toBe("<[redacted]>");
    });

    it("holds no base64 run shorter than 8 characters", () => {
      registerSecret("k9#Qz!");
      // "k9#qz!", "k9%23qz!" and "azkjUXoh"; not "OSNR" nor "I1F6".
      expect(registeredForms()).toEqual({ forms: 3, characters: 6 + 8 + 8 });
    });

    it("holds nothing once the tests' reset has run", () => {
      registerSecret("Secret-Value-1234");
      clearRegisteredSecretsForTests();
      expect(registeredForms()).toEqual({ forms: 0, characters: 0 });
      expect(redact("x Secret-Value-1234 y")).toBe("x Secret-Value-1234 y");
    });
  });

  it("hashes a long form with cyrb53, as published, without cutting it out of the text", () => {
    // The reference values of cyrb53 (bryc/code, jshash/experimental/cyrb53.js), seed 0.
    expect(hashOf("a", 0, 1)).toBe(7929297801672961);
    expect(hashOf("b", 0, 1)).toBe(8684336938537663);
    expect(hashOf("revenge", 0, 7)).toBe(4051478007546757);
    expect(hashOf("revenue", 0, 7)).toBe(8309097637345594);
    expect(hashOf("[revenge]", 1, 8)).toBe(4051478007546757);
  });

  it("leaves ordinary text alone", () => {
    const text = "AADSTS7000215: Invalid client secret provided. Trace ID: 1234";
    expect(redact(text)).toBe(text);
  });
});
