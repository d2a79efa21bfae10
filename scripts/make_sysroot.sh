#!/usr/bin/env bash
# Makes a sysroot of Debian's packages for another CPU, for cross-compiling the release binary,
# with the ordinary apt-get client and without touching the machine's apt or dpkg configuration.
#
#   scripts/make_sysroot.sh ARCH WORK_DIR PACKAGE...
#
# apt resolves PACKAGE... and everything they depend on for Debian architecture ARCH (arm64) from
# the machine's own `deb` entries, as if onto an empty system, and downloads them under WORK_DIR;
# each .deb is then unpacked (dpkg-deb -x, no maintainer script runs) into WORK_DIR/root, which is
# the sysroot. /etc/apt, /var/lib/apt and /var/lib/dpkg are only read. Nothing is done when
# WORK_DIR/root was made from the same ARCH and PACKAGE list and the same package versions
# (WORK_DIR/root/.packages lists them). A package apt cannot provide fails here, with apt's error
# and the package's name, not as a compiler error later.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 ARCH WORK_DIR PACKAGE..." >&2
  exit 2
fi
arch=$1
work=$(mkdir -p "$2" && cd "$2" && pwd)
shift 2
packages=("$@")

for tool in apt-get dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (packages apt, dpkg)" >&2; exit 1; }
done

parts="$work/sources.list.d"
rm -rf "$parts" && mkdir -p "$parts" "$work/lists/partial" "$work/cache/archives/partial"
# The machine's own entries, as they are: the same suites and security updates as the host's
# packages, so the target's headers and archives are the versions the host's protoc and
# grpc_cpp_plugin generate code for.
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$file" ] || continue
  grep -E '^[[:space:]]*deb[[:space:]]' "$file" >>"$parts/machine.list" || true
done
for file in /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] || continue
  cp "$file" "$parts/"
done
: >"$work/status"  # dpkg's database of an empty system: every dependency is downloaded.

apt=(apt-get -q
     -o APT::Architecture="$arch" -o APT::Architectures::="$arch"
     -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$parts"
     -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
     -o Dir::State::Lists="$work/lists" -o Dir::State::status="$work/status"
     -o Dir::Cache="$work/cache" -o Debug::NoLocking=1
     -o APT::Sandbox::User="$(id -un)" -o Acquire::Retries=3)

# A third-party suite without ARCH only warns; the install step below fails if a package of
# Debian's cannot be had.
"${apt[@]}" update >"$work/update.log" 2>&1 ||
  echo "$0: apt-get update reported problems (see $work/update.log); trying anyway" >&2

# The exact set, with versions, that apt would install: the sysroot's identity.
if ! "${apt[@]}" install --simulate --no-install-recommends "${packages[@]}" \
    >"$work/resolve.log" 2>&1; then
  cat "$work/resolve.log" >&2
  echo "$0: apt cannot provide the $arch packages: ${packages[*]}" >&2
  exit 1
fi
wanted=$({ echo "arch $arch"; echo "asked ${packages[*]}";
           sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' "$work/resolve.log" | LC_ALL=C sort; })
root="$work/root"
if [ -f "$root/.packages" ] && [ "$(cat "$root/.packages")" = "$wanted" ]; then
  echo "Sysroot for $arch up to date: $root"
  exit 0
fi

if ! "${apt[@]}" install --download-only -y --no-install-recommends "${packages[@]}" \
    >"$work/download.log" 2>&1; then
  cat "$work/download.log" >&2
  echo "$0: could not download the $arch packages: ${packages[*]}" >&2
  exit 1
fi

rm -rf "$root.tmp" && mkdir -p "$root.tmp"
count=0
while read -r name version; do
  [ "$name" = arch ] || [ "$name" = asked ] && continue
  # apt names a file NAME_VERSION_ARCH.deb, with the version's ':' written '%3a'.
  deb=$(ls "$work/cache/archives/${name}_${version//:/%3a}_"*.deb 2>/dev/null | head -n 1)
  if [ -z "$deb" ]; then
    echo "$0: apt downloaded no file for $name $version (see $work/download.log)" >&2
    exit 1
  fi
  dpkg-deb -x "$deb" "$root.tmp"
  count=$((count + 1))
done <<<"$wanted"
echo "$wanted" >"$root.tmp/.packages"
rm -rf "$root" && mv "$root.tmp" "$root"
echo "Made a sysroot of $count $arch packages in $root"
