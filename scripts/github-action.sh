#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): runs `hybridguard check` once for the SARIF log
# (its exit code is the verdict) and once for the markdown summary ($GITHUB_STEP_SUMMARY), and
# reports the exit code as a step output. It always exits 0 itself, so the SARIF upload runs even
# when findings fail the gate; the action's last step fails the job on the recorded exit code.
# Inputs come as HG_* environment variables (see action.yml); HG_COMMAND overrides how
# hybridguard is run (default: the repository's node_modules/.bin/hybridguard, else npx).
set -uo pipefail

if [[ -n "${HG_COMMAND:-}" ]]; then
  read -r -a hybridguard <<<"$HG_COMMAND"
elif [[ -x node_modules/.bin/hybridguard ]]; then
  hybridguard=(node_modules/.bin/hybridguard)
else
  hybridguard=(npx --yes "hybridguard${HG_VERSION:+@$HG_VERSION}")
fi

args=(check)
[[ -n "${HG_INPUTS:-}" ]] && read -r -a inputs <<<"$HG_INPUTS" && args+=("${inputs[@]}")
[[ -n "${HG_CODE:-}" ]] && args+=(--code "$HG_CODE")
[[ -n "${HG_FAIL_ON:-}" ]] && args+=(--fail-on "$HG_FAIL_ON")
[[ "${HG_FAIL_ON_UNDECIDED:-false}" == "true" ]] && args+=(--fail-on-undecided)
[[ -n "${HG_BASELINE:-}" ]] && args+=(--baseline "$HG_BASELINE")
[[ -n "${HG_ARGS:-}" ]] && read -r -a extra <<<"$HG_ARGS" && args+=("${extra[@]}")
sarif="${HG_SARIF:-hybridguard.sarif}"

"${hybridguard[@]}" "${args[@]}" --format sarif --output "$sarif"
code=$?

if [[ $code -le 1 ]]; then
  # The same check again for people: the summary on the run page (under GitHub's size limit).
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    "${hybridguard[@]}" "${args[@]}" --format markdown >>"$GITHUB_STEP_SUMMARY" || true
  fi
  written="$sarif"
else
  # Usage, input or policy error: the message is above; nothing was written.
  written=""
  [[ -n "${GITHUB_STEP_SUMMARY:-}" ]] && echo "## hybridguard: the check could not run (exit $code); see the job log" >>"$GITHUB_STEP_SUMMARY"
fi

if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
  echo "sarif-file=$written" >>"$GITHUB_OUTPUT"
fi
echo "hybridguard: exit code $code"
exit 0
