import Foundation

/// SSH signatures through `ssh-keygen -Y`, exactly as git signs and verifies with SSH keys:
/// namespace `mlgate`, allowed-signers files in git's format. Keys in an agent work.
public enum SSHSignatures {
    public static let namespace = "mlgate"

    /// A signing or verifying step that could not be done.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Signs `message` with `key` (a private key, or a public key whose private half is in
    /// ssh-agent). Returns the armored signature.
    public static func sign(_ message: String, key: String) throws(Failure) -> String {
        let result = run(["-Y", "sign", "-f", key, "-n", namespace], input: message)
        guard result.status == 0, result.output.contains("BEGIN SSH SIGNATURE") else {
            throw Failure(description: "ssh-keygen could not sign with \(key): \(result.error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return result.output
    }

    /// The principals of `allowedSigners` whose key made `signature` (empty when none).
    public static func principals(of signature: String, allowedSigners: String) -> [String] {
        withFile(signature) { signatureFile in
            let result = run(["-Y", "find-principals", "-s", signatureFile, "-f", allowedSigners], input: "")
            guard result.status == 0 else { return [] }
            return result.output.split(separator: "\n").map(String.init)
        }
    }

    /// Whether `signature` is `principal`'s, per `allowedSigners`, over exactly `message`, in
    /// mlgate's namespace.
    public static func verify(_ message: String, signature: String, principal: String, allowedSigners: String) -> Bool {
        withFile(signature) { signatureFile in
            run(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", namespace, "-s", signatureFile], input: message).status == 0
        }
    }

    /// The allowed-signers line for the public key `publicKeyFile`: `principal
    /// namespaces="mlgate" type key`.
    public static func allowedSignersLine(publicKeyFile: String, principal: String) throws(Failure) -> String {
        guard let text = try? String(contentsOfFile: publicKeyFile, encoding: .utf8) else {
            throw Failure(description: "cannot read the public key \(publicKeyFile)")
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, fields[0].hasPrefix("ssh-") || fields[0].hasPrefix("ecdsa-") || fields[0].hasPrefix("sk-") else {
            throw Failure(description: "\(publicKeyFile) is not an SSH public key")
        }
        return "\(principal) namespaces=\"\(namespace)\" \(fields[0]) \(fields[1])"
    }

    /// The principals an allowed-signers file lists for the public key in `publicKeyFile`
    /// (what the gate will count a signature by that key as), in file order.
    public static func principals(forPublicKeyFile publicKeyFile: String, allowedSigners: String) -> [String] {
        guard let text = try? String(contentsOfFile: publicKeyFile, encoding: .utf8) else { return [] }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2 else { return [] }
        let key = " \(fields[0]) \(fields[1])"
        var out: [String] = []
        for line in allowedSigners.split(separator: "\n") where !line.hasPrefix("#") {
            let padded = " " + line.trimmingCharacters(in: .whitespaces) + " "
            guard padded.contains(key + " ") || padded.hasSuffix(key + " ") else { continue }
            let names = line.split(separator: " ").first.map { $0.split(separator: ",").map(String.init) } ?? []
            for name in names where !out.contains(name) { out.append(name) }
        }
        return out
    }

    // MARK: ssh-keygen

    private static func withFile<T>(_ contents: String, _ body: (String) -> T) -> T {
        let path = NSTemporaryDirectory() + "mlgate-sig-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return body(path)
    }

    private static func run(_ arguments: [String], input: String) -> CapturedCommand.Result {
        CapturedCommand.run(["ssh-keygen"] + arguments, input: input)
    }
}
