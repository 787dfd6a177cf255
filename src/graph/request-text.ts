import { oneLine } from "../one-line.ts";

/** A request's path and query as the debug trace shows it: decoded, one bounded line. */
export function pathAndQuery(url: URL): string {
  return oneLine(decodeURIComponentSafe(url.pathname + url.search), 200);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
