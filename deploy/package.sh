#!/usr/bin/env bash
# Builds the Debian package a volunteer installs: one self-contained `vantage` (the Swift runtime
# linked in, stripped), the hardened systemd unit, the example config, a man page and bash, zsh and
# fish completions.
#   deploy/package.sh [VERSION]          writes vantage_VERSION_ARCH.deb in the current folder
#   deploy/package.sh [VERSION] --check  also installs it, runs it from /usr/bin, removes it (root)
# Needs: the Swift toolchain and dpkg-deb; --check also systemd-analyze and man.
set -euo pipefail
version=${1:-0.2.0}
check=${2:-}
arch=$(dpkg --print-architecture)
out="$PWD/vantage_${version}_${arch}.deb"
cd "$(dirname "$0")/.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

echo "== building vantage with the Swift runtime linked statically (release)"
# A build folder of its own: the debug and release builds of .build stay as they are.
build() {  # builds a product statically linked; on failure shows the compiler's errors and stops
  local log; log=$(mktemp)
  if ! swift build -c release --static-swift-stdlib --scratch-path .build/static --product "$1" > "$log" 2>&1; then
    grep -E "error:" "$log" >&2 || tail -20 "$log" >&2
    echo "package.sh: building $1 failed" >&2; exit 1
  fi
  rm -f "$log"
}
build vantage
binary=.build/static/release/vantage
[ -x "$binary" ] || { echo "package.sh: no $binary" >&2; exit 1; }

install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/usr/share/doc/vantage" \
  "$stage/usr/share/man/man1" "$stage/usr/share/bash-completion/completions" \
  "$stage/usr/share/zsh/vendor-completions" "$stage/usr/share/fish/vendor_completions.d"
install -m 0755 "$binary" "$stage/usr/bin/vantage"
strip --strip-unneeded "$stage/usr/bin/vantage"

depends="libc6, libstdc++6, libgcc-s1, libsqlite3-0"
echo "== what it links (nothing from the toolchain; only what Depends names)"
ldd "$stage/usr/bin/vantage" | sed 's/^/   /'
if ldd "$stage/usr/bin/vantage" | grep -Eq "swift|/opt/|toolchain"; then
  echo "package.sh: the binary still links the Swift toolchain's libraries" >&2; exit 1
fi
for library in $(ldd "$stage/usr/bin/vantage" | awk '/=>/ {print $3}'); do
  owner=$( (dpkg -S "$library" 2>/dev/null || dpkg -S "/usr$library" 2>/dev/null) | head -1 | cut -d: -f1)
  case ", $depends, " in
    *", $owner, "*) ;;
    *) echo "package.sh: the binary needs $library (package '${owner:-none}'), which Depends does not name" >&2; exit 1 ;;
  esac
done
echo "   every library comes from a package Depends names: $depends"

sed 's#/usr/local/bin/vantage#/usr/bin/vantage#' deploy/vantage-agent.service > "$stage/lib/systemd/system/vantage-agent.service"
install -m 0644 deploy/node.example.toml README.md "$stage/usr/share/doc/vantage/"
"$stage/usr/bin/vantage" --generate-completion-script bash > "$stage/usr/share/bash-completion/completions/vantage"
"$stage/usr/bin/vantage" --generate-completion-script zsh > "$stage/usr/share/zsh/vendor-completions/_vantage"
"$stage/usr/bin/vantage" --generate-completion-script fish > "$stage/usr/share/fish/vendor_completions.d/vantage.fish"
# swift-argument-parser's generate-manual reads the built binary: no second (dynamic) build.
build generate-manual
manual=$(mktemp -d)
.build/static/release/generate-manual "$stage/usr/bin/vantage" --multi-page --output-directory "$manual" >/dev/null
for page in "$manual"/*.1; do gzip -9n < "$page" > "$stage/usr/share/man/man1/$(basename "$page").gz"; done
rm -rf "$manual"

cat > "$stage/DEBIAN/control" <<EOF
Package: vantage
Version: $version
Architecture: $arch
Maintainer: Vantage developers <vantage@invalid>
Depends: $depends
Section: net
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: evidence of internet censorship from many ISPs at once
 A Vantage node measures a campaign's targets from inside its ISP (DNS, TCP,
 TLS, HTTP, throughput), signs its measurements and gossips them over mutual
 TLS to the other nodes of its mesh, which score whether a disruption is local,
 regional or nation-scale. Run "vantage node init", send the request to your
 coordinator, then enable vantage-agent.service.
EOF
# The maintainer scripts create nothing secret and start nothing: the node folder and its keys
# come from `vantage node init` and the coordinator's enrollment; the volunteer enables the unit.
cat > "$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
echo "vantage: run 'vantage node init --dir NODE --country CC --asn N --isp NAME' and send the request to your coordinator;"
echo "         once enrolled, see /usr/share/doc/vantage/node.example.toml and 'systemctl enable --now vantage-agent'."
EOF
cat > "$stage/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl stop vantage-agent.service 2>/dev/null || true; fi
EOF
cat > "$stage/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
EOF
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$stage" "$out" >/dev/null
echo "== $out: $(du -h "$out" | cut -f1) package, binary $(du -h "$stage/usr/bin/vantage" | cut -f1) stripped"
dpkg-deb --info "$out" | sed -n 's/^ *\(Depends\|Installed-Size\):/   \1:/p'

[ "$check" = --check ] || exit 0
echo "== installing and trying it as a volunteer would"
dpkg -i "$out" >/dev/null
trap 'dpkg --purge vantage >/dev/null 2>&1 || true; rm -rf "$stage" "$try"' EXIT
try=$(mktemp -d)
/usr/bin/vantage --help | head -3
/usr/bin/vantage node init --dir "$try/node" --country PK --asn 17557 --isp PTCL | head -2
/usr/bin/vantage demo --exit --json > "$try/demo.json" && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('   demo:', d['report']['verified'] and 'report VERIFIED' or 'report NOT verified', '-', len(d['nodes']), 'nodes')" "$try/demo.json"
systemd-analyze verify /lib/systemd/system/vantage-agent.service && echo "   systemd-analyze verify: clean"
man -P cat vantage 2>/dev/null | grep -q "vantage" || { echo "package.sh: man vantage shows no page" >&2; exit 1; }
man -P cat vantage 2>/dev/null | head -4
dpkg -r vantage >/dev/null && ! [ -e /usr/bin/vantage ] && echo "   removed: /usr/bin/vantage is gone"
