/**
 * For a test that needs something from outside the repository (the workplace's shared/ folder).
 * On a developer's machine without it, the test is skipped and a warning names what is missing;
 * in CI (`CI` set, as GitHub Actions and .ci/run set it) it runs anyway and fails on the missing
 * part, because a skip there would hide that the check never ran.
 */
export function availableOrCi(available: boolean, missing: string): boolean {
  if (available) return true;
  if (isCi()) return true;
  console.warn(`SKIPPED (not in CI): ${missing}`);
  return false;
}

export function isCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}
