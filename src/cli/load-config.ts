import type { DesiredState } from "../config/model.ts";
import { nowFrom } from "../clock.ts";
import { loadConfig, type LoadConfigOptions } from "../config/loader.ts";
import { ExitError } from "./exit-error.ts";
import { configPathPrefix, renderDiagnosticsText } from "../render/diagnostics-text.ts";
import type { CommandContext } from "./command.ts";

/**
 * Loads and validates the configuration for a command that goes on to talk to Graph: warnings
 * are printed and the run goes on; errors are printed and the run stops (exit 1) before any
 * request is sent.
 */
export async function loadConfigOrExit(
  configDir: string,
  context: CommandContext,
  options: { readonly color: boolean } & LoadConfigOptions,
): Promise<DesiredState> {
  const { state, diagnostics } = await loadConfig(configDir, {
    ...options,
    now: options.now ?? nowFrom(context.env),
  });
  if (diagnostics.length > 0) {
    // Paths as `validate` shows them: relative to where the user is, so they can be opened.
    const pathPrefix = configPathPrefix(configDir, context.cwd);
    context.stderr.write(renderDiagnosticsText(diagnostics, { color: options.color, pathPrefix }));
  }
  if (state === undefined) {
    throw new ExitError(
      "the configuration is not valid: fix the errors above (intune-gitops validate shows them too)",
    );
  }
  return state;
}
