#!/usr/bin/env python3
"""Independent check of protocol/vectors/ with the `cryptography` package (pip install cryptography).

- signatures.json: every entry's `valid` flag must equal whether Ed25519 verifies the signature over
  the UTF-8 bytes of `domain` followed by the payload bytes.
- envelopes.json: each encoded Envelope is parsed with a hand-written protobuf reader; its id must be
  SHA-256(domain || payload), its signer id SHA-256(signer), and its signature must verify.

Exits 1 and names every entry that disagrees; prints "N passed, 0 failed" otherwise.
"""
import hashlib
import json
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = pathlib.Path(__file__).resolve().parent
DOMAINS = {1: "batch", 2: "enrollment", 3: "revocation", 4: "campaign", 5: "attestation", 6: "enrollment-request"}


def verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def read_varint(data: bytes, i: int):
    shift = value = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def parse_envelope(data: bytes) -> dict:
    """Envelope: 1 kind (varint), 2 payload, 3 signer, 4 signature (length-delimited)."""
    fields, i = {}, 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            fields[number], i = read_varint(data, i)
        elif wire_type == 2:
            length, i = read_varint(data, i)
            fields[number], i = data[i:i + length], i + length
        else:
            raise ValueError(f"unexpected wire type {wire_type} for field {number}")
    return fields


def main() -> int:
    failures, passed = [], 0
    for entry in json.loads((HERE / "signatures.json").read_text()):
        message = entry["domain"].encode("utf-8") + bytes.fromhex(entry["payload"])
        ok = verifies(bytes.fromhex(entry["public_key"]), message, bytes.fromhex(entry["signature"]))
        if ok != entry["valid"]:
            failures.append(f"signatures.json: {entry['name']!r} says valid={entry['valid']} but verification gives {ok}")
        else:
            passed += 1
    for entry in json.loads((HERE / "envelopes.json").read_text()):
        fields = parse_envelope(bytes.fromhex(entry["envelope"]))
        domain = f"vantage/{DOMAINS[fields[1]]}/v2\0".encode()
        payload, signer, signature = fields.get(2, b""), fields[3], fields[4]
        problems = []
        if hashlib.sha256(domain + payload).hexdigest() != entry["id"]:
            problems.append("id is not SHA-256(domain || payload)")
        if hashlib.sha256(signer).hexdigest() != entry["signer_id"]:
            problems.append("signer_id is not SHA-256(signer)")
        if not verifies(signer, domain + payload, signature):
            problems.append("signature does not verify")
        if DOMAINS[fields[1]] != entry["kind"]:
            problems.append(f"kind {entry['kind']} does not match field 1 = {fields[1]}")
        if problems:
            failures.append(f"envelopes.json: {entry['name']!r}: " + "; ".join(problems))
        else:
            passed += 1
    for failure in failures:
        print("FAIL", failure)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
