import * as z from "zod";

/**
 * zod, configured once for the whole tool; every module that builds a schema imports `z` from
 * here, so the configuration is in effect before the first schema is built (zod reads it as
 * each object schema is constructed).
 *
 * `jitless`: zod would otherwise compile a specialised parser (`new Function`) for each object
 * schema the first time it parses. For this tool that is a loss at every size: `validate` of
 * the three example files spends the compile on parsers it runs a handful of times (start-up
 * CPU 116 → 108 ms, median of 15, back to back), and `validate` of 500 tenants' files got
 * faster too (CPU 1,191 → 1,086 ms): the documents are small and varied, so the interpreted
 * parse costs less than compiling. See bench/RESULTS.md.
 */
z.config({ jitless: true });

export { z };
