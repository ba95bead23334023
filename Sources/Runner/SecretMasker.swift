import Foundation

/// Replaces every registered secret with `***`. Multi-line secrets are registered line by
/// line, as GitHub's runner does, so each line of them is masked wherever it appears.
public final class SecretMasker: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []

    /// Creates a masker with initial secret values.
    public init(_ secrets: [String] = []) {
        for secret in secrets { add(secret) }
    }

    /// Registers a value (and each of its lines) to be masked.
    public func add(_ secret: String) {
        var parts = [secret]
        if secret.contains("\n") || secret.contains("\r") {
            parts += secret.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
        }
        lock.lock()
        defer { lock.unlock() }
        for part in parts {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !values.contains(trimmed) else { continue }
            values.append(trimmed)
        }
        values.sort { $0.count > $1.count }
    }

    /// Whether `text` contains any secret.
    public func containsSecret(_ text: String) -> Bool {
        lock.lock()
        let current = values
        lock.unlock()
        return current.contains { text.contains($0) }
    }

    /// `text` with every secret replaced by `***`.
    public func mask(_ text: String) -> String {
        lock.lock()
        let current = values
        lock.unlock()
        guard !current.isEmpty else { return text }
        var result = text
        for secret in current where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }
}
