// A stand-in for libsecret's `secret-tool` on PATH (store / lookup / clear by the `account` attribute), keeping
// the secrets as files in a directory: the Linux SecretStore adapter is exercised through it, as on a desktop.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `#!/bin/sh
# fake secret-tool: secret-tool store --label=L service S account A  (secret on stdin)
#                   secret-tool lookup service S account A
#                   secret-tool clear service S account A
store="$FAKE_SECRET_DIR"
[ -n "$FAKE_SECRET_FAIL" ] && exit 1
cmd="$1"; shift
account=""
while [ $# -gt 0 ]; do
  if [ "$1" = "account" ]; then account="$2"; shift; fi
  shift
done
[ -n "$account" ] || exit 2
echo "$cmd $account" >> "$store/calls.log"
case "$cmd" in
  store) cat > "$store/$account.secret" ;;
  lookup) [ -f "$store/$account.secret" ] || exit 1; cat "$store/$account.secret" ;;
  clear) rm -f "$store/$account.secret" ;;
  *) exit 2 ;;
esac
`;

/** Writes `bin/secret-tool` and `secrets/` under `dir`; returns the env that puts them in use. */
export function installFakeSecretTool(dir: string): {
  env: NodeJS.ProcessEnv;
  secretsDir: string;
  binDir: string;
} {
  const binDir = join(dir, 'bin');
  const secretsDir = join(dir, 'secrets');
  mkdirSync(binDir, { recursive: true });
  mkdirSync(secretsDir, { recursive: true });
  writeFileSync(join(binDir, 'secret-tool'), SCRIPT);
  chmodSync(join(binDir, 'secret-tool'), 0o755);
  return { env: { PATH: `${binDir}:/usr/bin:/bin`, FAKE_SECRET_DIR: secretsDir }, secretsDir, binDir };
}
