#!/usr/bin/env bash
# Installs the packed tarball (dist/js) into a fresh CDK app and synthesizes a
# stack that uses DmsSchemaRefresh: proves the npm package carries lib/ and the
# bundled handler assets and works without this repo's sources, and that its CLI
# runs as a pipeline step runs it (npx --no-install).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="$(ls "$root"/dist/js/cdk-dms-lifecycle@*.tgz 2>/dev/null | head -n 1)"
[ -n "$tarball" ] || { echo "no tarball in dist/js: run npx projen package:js"; exit 1; }
cdk_version="$(node -p "require('$root/node_modules/aws-cdk-lib/package.json').version")"
constructs_version="$(node -p "require('$root/node_modules/constructs/package.json').version")"
app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT
cd "$app"
echo '{ "name": "smoke-app", "version": "1.0.0", "private": true }' > package.json
npm install --no-audit --no-fund --prefer-offline "$tarball" "aws-cdk-lib@$cdk_version" "constructs@$constructs_version" >/dev/null
cat > app.js <<'JS'
const cdk = require('aws-cdk-lib');
const dms = require('aws-cdk-lib/aws-dms');
const { DmsSchemaRefresh } = require('cdk-dms-lifecycle');
const app = new cdk.App({ outdir: 'cdk.out' });
const stack = new cdk.Stack(app, 'SmokeStack');
const endpoint = new dms.CfnEndpoint(stack, 'Endpoint', { endpointType: 'source', engineName: 'postgres' });
const instance = new dms.CfnReplicationInstance(stack, 'Instance', { replicationInstanceClass: 'dms.t3.micro' });
new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: endpoint.ref, replicationInstanceArn: instance.ref });
app.synth();
JS
node app.js
template="cdk.out/SmokeStack.template.json"
grep -q '"Custom::DmsSchemaRefresh"' "$template" || { echo "no Custom::DmsSchemaRefresh in $template"; exit 1; }
ls cdk.out/asset.*/index.js >/dev/null || { echo "handler asset missing from the cloud assembly"; exit 1; }
[ ! -d node_modules/cdk-dms-lifecycle/lambda ] || { echo "lambda/ sources leaked into the package"; exit 1; }
# The CLI as a pipeline step runs it: the installed package's bin, never a download.
cli_version="$(npx --no-install cdk-dms-lifecycle --version)"
[ "$cli_version" = "$(node -p "require('./node_modules/cdk-dms-lifecycle/package.json').version")" ] || { echo "npx --no-install cdk-dms-lifecycle --version printed '$cli_version'"; exit 1; }
echo "pack smoke test: OK ($(basename "$tarball") synthesized SmokeStack with its handler assets; npx --no-install cdk-dms-lifecycle $cli_version runs)"
