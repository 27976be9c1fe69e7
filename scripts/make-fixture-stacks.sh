#!/usr/bin/env bash
# Regenerates every fixtures/stacks/<name>/ in three forms from its cdktf app:
#   synth/cdk.tf.json (cdktf synth), hcl/main.tf (the same stack as HCL), plan/plan.json (real
#   terraform plan of the HCL + terraform show -json; offline, see scripts/make-plan.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for app in fixtures/stacks/*/app.ts; do
  dir="$(dirname "$app")"
  name="$(basename "$dir")"
  out="$(mktemp -d)"
  CDKTF_OUTDIR="$out" npx tsx "$app"
  mkdir -p "$dir/synth" "$dir/hcl" "$dir/plan"
  cp "$out/stacks/$name/cdk.tf.json" "$dir/synth/cdk.tf.json"
  npx tsx scripts/tfjson-to-hcl.ts "$dir/synth/cdk.tf.json" > "$dir/hcl/main.tf"
  terraform fmt "$dir/hcl/main.tf" >/dev/null
  scripts/make-plan.sh "$dir/hcl" "$dir/plan/plan.json" "$dir"
  rm -rf "$out"
  echo "regenerated $dir"
done
