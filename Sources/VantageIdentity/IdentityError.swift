/// Why a key, a file or a signed record was refused. Messages name what was wrong and where.
public enum IdentityError: Error, Equatable, CustomStringConvertible {
    case badPublicKeyLength(Int)
    case badSignatureLength(Int)
    case unsignableKind(String)
    case badSignature(kind: String, signer: String)
    case undecodablePayload(kind: String, reason: String)
    case wrongKind(expected: String, found: String)
    case corruptKey(String)
    case keyFileMissing(path: String)
    case keyFileUnreadable(path: String, reason: String)
    case keyFileCorrupt(path: String, reason: String)
    case keyFileTooOpen(path: String, mode: String)
    case fileExists(path: String)
    case fileMissing(path: String)
    case fileCorrupt(path: String, reason: String)
    case certificate(String)

    public var description: String {
        switch self {
        case .badPublicKeyLength(let n):
            return "public key has \(n) bytes; an Ed25519 key has 32"
        case .badSignatureLength(let n):
            return "signature has \(n) bytes; an Ed25519 signature has 64"
        case .unsignableKind(let kind):
            return "record kind \(kind) cannot be signed or verified"
        case .badSignature(let kind, let signer):
            return "\(kind) signature does not verify for signer \(signer)"
        case .undecodablePayload(let kind, let reason):
            return "\(kind) payload is not a valid record: \(reason)"
        case .wrongKind(let expected, let found):
            return "expected a \(expected) record, found a \(found)"
        case .corruptKey(let reason):
            return "corrupt key: \(reason)"
        case .keyFileMissing(let path):
            return "key file \(path) does not exist"
        case .keyFileUnreadable(let path, let reason):
            return "key file \(path) cannot be read: \(reason)"
        case .keyFileCorrupt(let path, let reason):
            return "key file \(path) is corrupt: \(reason)"
        case .keyFileTooOpen(let path, let mode):
            return "\(path) has mode \(mode); it holds a secret and must not be readable by group or others (chmod 600 \(path))"
        case .fileExists(let path):
            return "\(path) already exists; refusing to overwrite it"
        case .fileMissing(let path):
            return "\(path) does not exist"
        case .fileCorrupt(let path, let reason):
            return "\(path) is corrupt: \(reason)"
        case .certificate(let reason):
            return "certificate: \(reason)"
        }
    }
}
