#!/usr/bin/env bash
# Produces a real plan JSON (terraform plan + terraform show -json) for a folder of *.tf or
# *.tf.json files, offline: the AWS provider comes from a local filesystem mirror and the provider
# gets fake credentials with every AWS call that planning would make switched off.
#   scripts/make-plan.sh STACK_DIR OUT.json [ROOT]
# ROOT (default STACK_DIR): a folder to copy along, for stacks that call local modules in `../`.
# Mirror: HYBRIDGUARD_TF_MIRROR (default /opt/tf-plugins), a folder holding registry.terraform.io/.
set -euo pipefail
src="${1:?usage: make-plan.sh STACK_DIR OUT.json}"
out="${2:?usage: make-plan.sh STACK_DIR OUT.json}"
mirror="${HYBRIDGUARD_TF_MIRROR:-/opt/tf-plugins}"
[ -d "$mirror/registry.terraform.io" ] || { echo "make-plan: no provider mirror at $mirror (set HYBRIDGUARD_TF_MIRROR)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="${3:-$src}"
rel="$(realpath --relative-to="$root" "$src")"
mkdir -p "$work/root"
cp -R "$root"/. "$work/root"
ln -s "$work/root/$rel" "$work/stack"
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct { exclude = ["registry.terraform.io/hashicorp/*"] }
}
CFG
# An override file merges into the stack's own provider block: fake credentials, no AWS calls.
cat > "$work/stack/hybridguard_plan_override.tf" <<'TF'
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "fake-access-key"
  secret_key                  = "fake-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
TF
# cdktf stacks carry a backend block; plan against local state in the temp folder instead.
if [ -f "$work/stack/cdk.tf.json" ]; then
  node -e 'const f=process.argv[1];const d=JSON.parse(require("fs").readFileSync(f,"utf8"));if(d.terraform)delete d.terraform.backend;require("fs").writeFileSync(f,JSON.stringify(d,null,2))' "$work/stack/cdk.tf.json"
fi
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
cd "$work/stack"
terraform init -input=false -backend=false >/dev/null
terraform plan -input=false -lock=false -refresh=false -out=plan.bin >/dev/null
terraform show -json plan.bin > plan.json
# Pretty-print so fixtures diff well and resources have lines.
node -e 'const fs=require("fs");const d=JSON.parse(fs.readFileSync("plan.json","utf8"));delete d.timestamp;fs.writeFileSync(process.argv[1],JSON.stringify(d,null,2)+"\n")' "$(cd - >/dev/null; realpath -m "$out")"
