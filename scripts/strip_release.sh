#!/bin/sh
# strip_release.sh NM OBJCOPY IN OUT: OUT is IN without its symbol table, except the functions of
# our own code (namespaces agora, tfprotocol, cty, plugin, base, and main): enough for the crash
# report's stack trace to name them (internal/base/crash_report.h) at about 40 KB, where the
# whole table would be about 3 MB.
set -eu
nm_tool=$1 objcopy_tool=$2 in=$3 out=$4
keep=$out.keep-symbols
"$nm_tool" --defined-only "$in" \
  | awk '$2 ~ /^[TtWw]$/ {print $3}' \
  | grep -E '^_ZN?K?(5agora|10tfprotocol|3cty|6plugin|4base)|^_ZNK(5agora|10tfprotocol|3cty|6plugin|4base)|^main$' \
  | LC_ALL=C sort -u > "$keep"
"$objcopy_tool" --strip-all --keep-symbols="$keep" "$in" "$out.tmp"
rm -f "$keep"
mv "$out.tmp" "$out"
