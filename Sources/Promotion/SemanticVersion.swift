/// A semantic version as GTO writes it in tags: `vMAJOR.MINOR.PATCH`, with an optional
/// `-prerelease` and `+build` (semver.org 2.0.0).
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    public let prerelease: [String]
    public let build: String?

    public init(major: Int, minor: Int, patch: Int, prerelease: [String] = [], build: String? = nil) {
        (self.major, self.minor, self.patch, self.prerelease, self.build) = (major, minor, patch, prerelease, build)
    }

    /// Parses `v1.2.3`, `v1.2.3-rc.1+build.5`; the leading `v` is required, as in GTO's tags.
    public init?(_ text: some StringProtocol) {
        if let plain = Self.plain(text) {
            self = plain
            return
        }
        guard text.first == "v" else { return nil }
        var core = Substring(text.dropFirst())
        var build: String?
        if let plus = core.firstIndex(of: "+") {
            let identifiers = core[core.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false)
            guard !identifiers.isEmpty, identifiers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) }) else { return nil }
            build = String(core[core.index(after: plus)...])
            core = core[..<plus]
        }
        var prerelease: [String] = []
        if let dash = core.firstIndex(of: "-") {
            let identifiers = core[core.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
            for identifier in identifiers {
                guard !identifier.isEmpty, identifier.allSatisfy(Self.isIdentifierCharacter) else { return nil }
                if identifier.allSatisfy(\.isASCIIDigit), identifier.count > 1, identifier.first == "0" { return nil }
                prerelease.append(String(identifier))
            }
            core = core[..<dash]
        }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3 else { return nil }
        var parsed: [Int] = []
        for number in numbers {
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), number == "0" || number.first != "0",
                  let value = Int(number) else { return nil }
            parsed.append(value)
        }
        self.init(major: parsed[0], minor: parsed[1], patch: parsed[2], prerelease: prerelease, build: build)
    }

    /// `vMAJOR.MINOR.PATCH` with nothing else, read from the bytes (what registries hold
    /// nearly always); nil for any other text, which the full parser then reads.
    static func plain(_ text: some StringProtocol) -> SemanticVersion? {
        var parts = (0, 0, 0), index = 0, digits = 0, leadingZero = false
        var first = true
        for byte in text.utf8 {
            if first {
                guard byte == UInt8(ascii: "v") else { return nil }
                first = false
                continue
            }
            if byte == UInt8(ascii: ".") {
                guard digits > 0, index < 2 else { return nil }
                index += 1
                digits = 0
                continue
            }
            guard byte >= 48, byte <= 57, digits < 18 else { return nil }
            if digits == 1, leadingZero { return nil }  // 01 is not a version number
            if digits == 0 { leadingZero = byte == 48 }
            let value = Int(byte - 48)
            switch index {
            case 0: parts.0 = parts.0 * 10 + value
            case 1: parts.1 = parts.1 * 10 + value
            default: parts.2 = parts.2 * 10 + value
            }
            digits += 1
        }
        guard !first, index == 2, digits > 0 else { return nil }
        return SemanticVersion(major: parts.0, minor: parts.1, patch: parts.2)
    }

    public var description: String {
        // `vMAJOR.MINOR.PATCH` written digit by digit: a registry names 100,000 versions.
        let core = String(unsafeUninitializedCapacity: 3 * 21 + 3) { out in
            var at = 0
            func put(_ number: Int) {
                if number < 0 { out[at] = UInt8(ascii: "-"); at += 1 }
                var digits = 1, rest = number.magnitude
                while rest >= 10 { rest /= 10; digits += 1 }
                rest = number.magnitude
                for k in stride(from: digits - 1, through: 0, by: -1) {
                    out[at + k] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                at += digits
            }
            out[at] = UInt8(ascii: "v"); at += 1
            put(major); out[at] = UInt8(ascii: "."); at += 1
            put(minor); out[at] = UInt8(ascii: "."); at += 1
            put(patch)
            return at
        }
        guard !prerelease.isEmpty || build != nil else { return core }
        return core + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: ".")) + (build.map { "+" + $0 } ?? "")
    }

    /// The next version for a bump of `part`.
    public func bumped(_ part: Part) -> SemanticVersion {
        switch part {
        case .major: SemanticVersion(major: major + 1, minor: 0, patch: 0)
        case .minor: SemanticVersion(major: major, minor: minor + 1, patch: 0)
        case .patch: SemanticVersion(major: major, minor: minor, patch: patch + 1)
        }
    }

    /// Which number a bump raises.
    public enum Part: String, Sendable, CaseIterable { case major, minor, patch }

    /// Precedence as semver.org defines it (build metadata is ignored).
    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        if a.prerelease.isEmpty || b.prerelease.isEmpty { return !a.prerelease.isEmpty && b.prerelease.isEmpty }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (Int(x), Int(y)) {
            case let (i?, j?): return i < j
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return x < y
            }
        }
        return a.prerelease.count < b.prerelease.count
    }

    private static func isIdentifierCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
