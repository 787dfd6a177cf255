#!/usr/bin/env bash
# The action's main step: turns its inputs (INPUT_* variables, see action.yml) into one
# intune-gitops command line, keeps the command's exit code instead of stopping at it, and writes
# the outputs (exit code, counts, file paths) to $GITHUB_OUTPUT. It fails the step only on exit
# code 1: plan's 2 ("changes present") is what a pull request is for.
#
# Runs anywhere bash and Node.js >= 22.18 are, so the tests run it as the workflows do.
set -euo pipefail
action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

command=${INPUT_COMMAND:-plan}
config=${INPUT_CONFIG:-.}
format=${INPUT_FORMAT:-text}
out_dir=${INPUT_OUTPUT_DIR:-.intune-gitops}
output=${GITHUB_OUTPUT:-/dev/null}

cli() { node "$action_dir/src/cli/bin.ts" "$@"; }
set_output() { echo "$1=$2" >>"$output"; }
# A number from a JSON file: the length of an array, or a number, at a dotted path.
json_count() {
  node -e '
    const [file, path] = process.argv.slice(1);
    let value = JSON.parse(require("node:fs").readFileSync(file, "utf8"));
    for (const key of path.split(".")) value = value?.[key];
    process.stdout.write(String(Array.isArray(value) ? value.length : Number(value ?? 0)));
  ' "$1" "$2"
}
# Errors of a configuration that did not load: the command stopped before its own result.
config_errors() {
  cli validate --config "$config" --format json >"$out_dir/validate.json" 2>/dev/null || true
  local count
  count=$(json_count "$out_dir/validate.json" errors 2>/dev/null || echo 0)
  echo $((count > 0 ? count : 1))
}
# Runs the CLI with its standard output to a file; sets $code to its exit code.
run_to() {
  local file=$1
  shift
  set +e
  cli "$@" >"$file"
  code=$?
  set -e
}

selection=()
# Tenant names are DNS labels (no spaces): splitting on white space is the list syntax.
for tenant in ${INPUT_TENANT:-}; do selection+=(--tenant "$tenant"); done
if [ -n "${INPUT_SHARD:-}" ]; then selection+=(--shard "$INPUT_SHARD"); fi

case "$format" in
  text) extension=txt ;;
  markdown) extension=md ;;
  json) extension=json ;;
  *)
    echo "intune-gitops action: format '$format' is not one of text, markdown, json" >&2
    exit 1
    ;;
esac

mkdir -p "$out_dir"
# `intune-gitops` on PATH for the job's later steps (say, `intune-gitops drift-report`), as a
# global install would put it: a wrapper that runs this checkout's sources.
if [ -n "${GITHUB_PATH:-}" ]; then
  bin_dir="${RUNNER_TEMP:-$(cd "$out_dir" && pwd)}/intune-gitops-bin"
  mkdir -p "$bin_dir"
  printf '#!/usr/bin/env bash\nexec node %q "$@"\n' "$action_dir/src/cli/bin.ts" >"$bin_dir/intune-gitops"
  chmod +x "$bin_dir/intune-gitops"
  echo "$bin_dir" >>"$GITHUB_PATH"
fi

changes=0
errors=0
code=0
json=""
report=""
case "$command" in
  setup) ;;
  validate)
    [ "$format" = markdown ] && { echo "intune-gitops action: validate writes text or json" >&2; exit 1; }
    report="$out_dir/validate.$extension"
    run_to "$report" validate --config "$config" --format "$format"
    cat "$report"
    json="$out_dir/validate.json"
    [ "$format" = json ] || cli validate --config "$config" --format json >"$json" || true
    errors=$(json_count "$json" errors)
    ;;
  plan)
    plan_file="$out_dir/plan.json"
    markdown="$out_dir/plan.md"
    json="$out_dir/plan-result.json"
    case "$format" in
      text) report="$out_dir/plan.txt" ;;
      markdown) report=$markdown ;;
      json) report=$json ;;
    esac
    rm -f "$plan_file" "$markdown" "$json" "$report"
    run_to "$report" plan --config "$config" "${selection[@]}" --out "$plan_file" \
      --format "$format" --detailed-exitcode
    cat "$report"
    if [ -f "$plan_file" ]; then
      # One read of the tenants; the other renderings come from the saved plan.
      [ -f "$markdown" ] || cli show "$plan_file" --format markdown >"$markdown"
      [ -f "$json" ] || cli show "$plan_file" --format json >"$json"
      changes=$(json_count "$json" summary.to_change)
      errors=$(json_count "$json" summary.errors)
      set_output plan-file "$plan_file"
      set_output markdown-file "$markdown"
      if [ "${INPUT_JOB_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat "$markdown" >>"$GITHUB_STEP_SUMMARY"
      fi
    else
      errors=$(config_errors)
    fi
    ;;
  apply)
    [ "$format" = markdown ] && { echo "intune-gitops action: apply writes text or json" >&2; exit 1; }
    plan_args=()
    if [ -n "${INPUT_PLAN_FILE:-}" ]; then
      plan_args=("$INPUT_PLAN_FILE")
    elif [ "${INPUT_AUTO_APPROVE:-false}" = true ]; then
      plan_args=(--auto-approve)
    else
      echo "intune-gitops action: apply needs plan-file (a reviewed plan saved by the plan command) or auto-approve: 'true'" >&2
      exit 1
    fi
    # JSON for the counts (shown with format json); the per-object progress lines go to the log
    # (standard error) in either format.
    json="$out_dir/apply.json"
    report="$json"
    rm -f "$json"
    run_to "$json" apply "${plan_args[@]}" --config "$config" "${selection[@]}" --format json
    if [ "$format" = json ]; then cat "$json"; fi
    if [ -s "$json" ]; then
      changes=$(json_count "$json" summary.changed)
      # Objects a re-run finds already holding the plan's values are done, not errors.
      errors=$(($(json_count "$json" summary.total) - changes - $(json_count "$json" summary.already_applied)))
    else
      errors=$(config_errors)
    fi
    ;;
  *)
    echo "intune-gitops action: command '$command' is not one of validate, plan, apply, setup" >&2
    exit 1
    ;;
esac

set_output exit-code "$code"
set_output changes "$changes"
set_output errors "$errors"
set_output json-file "$json"
set_output report-file "$report"
echo "intune-gitops $command: exit code $code, $changes change(s), $errors error(s)" >&2
# 0 and 2 pass; 1 fails the step (after the outputs are written, for steps that run always()).
[ "$code" -ne 1 ]
