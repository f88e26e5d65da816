#!/usr/bin/env bash
# Rebuild time after a one-file edit, per crate, for one or more checkouts (issue #12):
#   scripts/measure-rebuild.sh LABEL=DIR [LABEL=DIR ...]
# For each checkout, profile (dev, release) and file, it appends a private function to the
# file, times `cargo build --bin reclaim` (wall, user and system CPU seconds), then restores
# the file. Files are looked up in the workspace layout (crates/X/src) or the single-crate
# one (src/X). Run it on a quiet machine; each checkout must have been built once.
set -euo pipefail
files=(tui/app.rs graph/http.rs sim/state.rs)
printf '%-8s %-8s %-6s %8s %8s %8s\n' tree profile edit wall_s user_s sys_s
for arg in "$@"; do
  label=${arg%%=*}
  dir=${arg#*=}
  for profile in dev release; do
    flag=(); [ "$profile" = release ] && flag=(--release)
    (cd "$dir" && cargo build -q "${flag[@]}" --bin reclaim)
    for f in "${files[@]}"; do
      crate=${f%%/*}
      path="$dir/crates/$crate/src/${f#*/}"
      [ -f "$path" ] || path="$dir/src/$f"
      cp "$path" "$path.orig"
      printf '\n#[allow(dead_code)]\nfn rebuild_probe() -> u64 {\n    %s\n}\n' "$RANDOM" >>"$path"
      t=$( { cd "$dir" && /usr/bin/time -f '%e %U %S' cargo build -q "${flag[@]}" --bin reclaim; } 2>&1 | tail -1)
      mv "$path.orig" "$path"
      (cd "$dir" && cargo build -q "${flag[@]}" --bin reclaim) # back to the unedited build
      read -r wall user sys <<<"$t"
      printf '%-8s %-8s %-6s %8s %8s %8s\n' "$label" "$profile" "$crate" "$wall" "$user" "$sys"
    done
  done
done
