#!/usr/bin/env python3
"""Independent check of protocol/vectors/ with the `cryptography` package (pip install cryptography).

- signatures.json: every entry's `valid` flag must equal whether Ed25519 verifies the signature over
  the UTF-8 bytes of `domain` followed by the payload bytes.
- envelopes.json: each encoded Envelope is parsed with a hand-written protobuf reader; its id must be
  SHA-256(domain || payload), its signer id SHA-256(signer), and its signature must verify.
- compact measurements (SPEC §5.3): the numbered batch must name the campaign envelope's id, and
  each of its measurements must carry a target_index (and input_index) that the campaign has,
  without the strings; the plain batch's measurements carry names and no numbers.
- summary log (SPEC §5.4, §13c): the summary batch is of tier 1, carries no measurements, and its
  summary commits to the plain batch by raw_seqs and raw_hash = SHA-256(domain || the batch's id).
- archivers and relays (SPEC §7.4, §7.5): the campaign names its archivers' node ids in field 14,
  32 bytes each, its relays (node id and address) in field 15, and its replication goal
  (archivers, countries) in field 16.

Exits 1 and names every entry that disagrees; prints "N passed, 0 failed" otherwise.
"""
import hashlib
import json
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = pathlib.Path(__file__).resolve().parent
DOMAINS = {1: "batch", 2: "enrollment", 3: "revocation", 4: "campaign", 6: "enrollment-request"}


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


def parse_fields(data: bytes) -> list:
    """Every (field number, value) of a protobuf message, in order; values are ints or bytes."""
    fields, i = [], 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, i = read_varint(data, i)
        elif wire_type == 2:
            length, i = read_varint(data, i)
            value, i = data[i:i + length], i + length
        else:
            raise ValueError(f"unexpected wire type {wire_type} for field {number}")
        fields.append((number, value))
    return fields


def parse_envelope(data: bytes) -> dict:
    """Envelope: 1 kind (varint), 2 payload, 3 signer, 4 signature (length-delimited)."""
    return dict(parse_fields(data))


def repeated(fields: list, number: int) -> list:
    return [value for n, value in fields if n == number]


def archiver_problems(campaign_payload: bytes) -> list:
    """Campaign field 14: the archivers' node ids, 32 bytes each (SPEC §5.1, §7.4); field 15: the
    relays, each Relay{1 node_id (32 bytes), 2 address (host:port)} (SPEC §7.5); field 16: the
    replication goal, ReplicationGoal{1 archivers, 2 countries} (SPEC §7.4)."""
    fields = parse_fields(campaign_payload)
    archivers, relays = repeated(fields, 14), [dict(parse_fields(r)) for r in repeated(fields, 15)]
    problems = [] if archivers else ["the campaign names no archiver in field 14"]
    problems += [f"archiver {i} is {len(a)} bytes, not a 32-byte node id" for i, a in enumerate(archivers) if len(a) != 32]
    if not relays:
        problems.append("the campaign names no relay in field 15")
    for i, relay in enumerate(relays):
        if len(relay.get(1, b"")) != 32 or b":" not in relay.get(2, b""):
            problems.append(f"relay {i} is not a 32-byte node id with a host:port address")
    goals = repeated(fields, 16)
    goal = dict(parse_fields(goals[0])) if goals else {}
    if not goal.get(1) or not goal.get(2) or goal[2] > goal[1]:
        problems.append("the campaign's replication goal (field 16) does not name archivers ≥ countries ≥ 1")
    return problems


def numbering_problems(batch_payload: bytes, campaign_payload: bytes, campaign_id: str) -> list:
    """Batch: 6 measurements, 7 campaign id. Measurement: 1 target, 2 input, 9 target_index,
    10 input_index. Campaign: 3 targets. Target: 1 name, 2 inputs."""
    batch = parse_fields(batch_payload)
    targets = [parse_fields(t) for t in repeated(parse_fields(campaign_payload), 3)]
    problems = []
    if dict(batch).get(7, b"").hex() != campaign_id[:16]:
        problems.append("the numbered batch does not name the campaign by the first 8 bytes of its id in field 7")
    for index, measurement in enumerate(repeated(batch, 6)):
        m = dict(parse_fields(measurement))
        t, i = m.get(9, 0), m.get(10, 0)
        if m.get(1) or m.get(2):
            problems.append(f"measurement {index} carries target or input strings beside its numbers")
        if not 1 <= t <= len(targets):
            problems.append(f"measurement {index}: target_index {t} is not one of the campaign's {len(targets)} targets")
            continue
        inputs = repeated(targets[t - 1], 2)
        if not 1 <= i <= len(inputs):
            problems.append(f"measurement {index}: input_index {i} is not one of the target's {len(inputs)} inputs")
    return problems


def named_problems(batch_payload: bytes) -> list:
    problems = []
    for index, measurement in enumerate(repeated(parse_fields(batch_payload), 6)):
        m = dict(parse_fields(measurement))
        if not m.get(1) or m.get(9, 0) or m.get(10, 0):
            problems.append(f"measurement {index} of the plain batch is not named by strings alone")
    return problems


def summary_problems(summary_payload: bytes, batch_envelope: dict, campaign_payload: bytes, campaign_id: str) -> list:
    """The summary batch is in the summary log (tier 1), carries no measurements, names the
    campaign by the first 8 bytes of its id (field 7), and its one summary commits to the plain
    batch: raw_seqs = [its seq], raw_hash = SHA-256(domain || its id); its targets (field 5) are
    numbered (TargetSummary field 6, ascending, within the campaign's targets) and carry no name."""
    problems = []
    batch = parse_fields(summary_payload)
    fields = dict(batch)
    if fields.get(7, b"").hex() != campaign_id[:16]:
        problems.append("the summary batch does not name the campaign by the first 8 bytes of its id in field 7")
    if fields.get(8) != 1:
        problems.append("the summary batch's tier (field 8) is not 1")
    if repeated(batch, 6):
        problems.append("the summary batch carries measurements")
    summaries = repeated(batch, 9)
    if len(summaries) != 1:
        return problems + [f"{len(summaries)} summaries, not 1"]
    summary = dict(parse_fields(summaries[0]))
    raw_id = bytes.fromhex(batch_envelope["id"])
    if summary.get(7) != hashlib.sha256(b"vantage/window-summary-raw/v2\0" + raw_id).digest():
        problems.append("raw_hash is not SHA-256(domain || the plain batch's id)")
    if summary.get(6) != b"\x01":
        problems.append("raw_seqs is not [1] (packed)")
    campaign_targets = len(repeated(parse_fields(campaign_payload), 3))
    numbers = []
    for target in repeated(parse_fields(summaries[0]), 5):
        t = dict(parse_fields(target))
        if t.get(1):
            problems.append("a target of the summary carries its name beside or instead of its number")
        numbers.append(t.get(6, 0))
    if not numbers or numbers != sorted(set(numbers)) or not all(1 <= n <= campaign_targets for n in numbers):
        problems.append(f"target numbers {numbers} are not ascending numbers of the campaign's {campaign_targets} targets")
    return problems


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
    envelopes = {entry["name"]: entry for entry in json.loads((HERE / "envelopes.json").read_text())}
    payload = {name: parse_envelope(bytes.fromhex(entry["envelope"])).get(2, b"") for name, entry in envelopes.items()}
    for name, problems in [
        ("numbered-batch", numbering_problems(payload["numbered-batch"], payload["campaign"], envelopes["campaign"]["id"])),
        ("campaign", archiver_problems(payload["campaign"])),
        ("batch", named_problems(payload["batch"])),
        ("summary-batch", summary_problems(payload["summary-batch"], envelopes["batch"], payload["campaign"], envelopes["campaign"]["id"])),
    ]:
        if problems:
            failures.append(f"envelopes.json: {name!r}: " + "; ".join(problems))
        else:
            passed += 1
    for failure in failures:
        print("FAIL", failure)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
