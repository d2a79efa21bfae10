#!/usr/bin/env bash
# Fetches one of Debian's source packages, unpacked with all of Debian's patches applied, with the
# ordinary `apt-get source` client and without touching the machine's apt configuration.
#
#   scripts/fetch_debian_source.sh PACKAGE WORK_DIR OUT_DIR
#
# apt reads a private sources list, the machine's own `deb` entries turned into `deb-src`, and
# keeps its package lists and downloads under WORK_DIR; /etc/apt and /var/lib/apt are only read.
# OUT_DIR is replaced by the unpacked source tree. DEBIAN_SOURCE_VERSION pins a version (say
# 7.88.1-10+deb12u15); otherwise the newest one the machine's suites offer (security updates
# included) is taken. The version fetched is printed and written to OUT_DIR/.debian-version.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 PACKAGE WORK_DIR OUT_DIR" >&2
  exit 2
fi
package=$1
work=$(mkdir -p "$2" && cd "$2" && pwd)
out=$3

for tool in apt-get dpkg-source; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (packages apt, dpkg-dev)" >&2; exit 1; }
done

parts="$work/sources.list.d"
rm -rf "$parts" && mkdir -p "$parts" "$work/lists/partial" "$work/cache/archives/partial"
# One-line entries (sources.list, *.list): "deb [options] URI suite..." becomes "deb-src ...".
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$file" ] || continue
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$file" >>"$parts/machine.list"
done
# deb822 entries (*.sources): "Types: deb" becomes "Types: deb-src".
for file in /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] || continue
  sed 's/^Types:.*$/Types: deb-src/' "$file" >"$parts/$(basename "$file")"
done

apt=(apt-get -q
     -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$parts"
     -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache"
     -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" -o Acquire::Retries=3)
# A third-party suite without sources only warns; the `source` step below fails if Debian's
# package cannot be found.
"${apt[@]}" update >"$work/update.log" 2>&1 ||
  echo "$0: apt-get update reported problems (see $work/update.log); trying anyway" >&2

target="$package${DEBIAN_SOURCE_VERSION:+=$DEBIAN_SOURCE_VERSION}"
download="$work/download"
rm -rf "$download" && mkdir -p "$download"
(cd "$download" && "${apt[@]}" source --download-only "$target") >"$work/source.log" 2>&1 || {
  cat "$work/source.log" >&2
  echo "$0: could not fetch Debian's source package $target" >&2
  exit 1
}
dsc=$(ls "$download"/*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
# dpkg-source applies Debian's patch series (security fixes included) as Debian's build does.
# --no-check: apt has already checked every file against the signed Sources index.
rm -rf "$work/unpacked"
dpkg-source --no-check -x "$dsc" "$work/unpacked" >"$work/unpack.log" 2>&1 || {
  cat "$work/unpack.log" >&2
  exit 1
}
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/unpacked" "$out"
echo "$version" >"$out/.debian-version"
echo "Fetched Debian's $package $version into $out"
