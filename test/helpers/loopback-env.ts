// Loaded before every test file (vitest `setupFiles`): loopback traffic to the emulator must
// never go through a proxy the machine's environment may define, and a regional authority name
// breaks custom authority hosts.
for (const name of [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "AZURE_REGIONAL_AUTHORITY_NAME",
]) {
  delete process.env[name];
}
process.env["NO_PROXY"] = "127.0.0.1,localhost";
