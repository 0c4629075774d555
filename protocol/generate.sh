#!/usr/bin/env bash
# Regenerates Sources/VantageWire/vantage.pb.swift from protocol/vantage.proto.
#
# Needs `protoc` (Debian: apt-get install protobuf-compiler) and `protoc-gen-swift` of the same
# swift-protobuf version as Package.swift names. Build the plugin once in a copy of swift-protobuf:
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf && git checkout 1.39.0
#   swift build -c release --product protoc-gen-swift
# then run:  PROTOC_GEN_SWIFT=/path/to/swift-protobuf/.build/release/protoc-gen-swift protocol/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
if [ -z "$plugin" ] || [ ! -x "$plugin" ]; then
  echo "generate.sh: protoc-gen-swift not found; set PROTOC_GEN_SWIFT (see the comment at the top)" >&2
  exit 2
fi
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public \
  --swift_out="$here/../Sources/VantageWire" \
  --proto_path="$here" "$here/vantage.proto"
echo "wrote Sources/VantageWire/vantage.pb.swift"
