/// A value of the GitHub Actions expression language.
///
/// Arrays and objects are reference types so that `==` can compare them by identity,
/// as GitHub does; everything else compares by value after GitHub's loose coercion.
public enum ExpressionValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(ExpressionArray)
    case object(ExpressionObject)

    /// The kind name GitHub uses in messages and in `coerceString` of containers.
    public var kindName: String {
        switch self {
        case .null: "Null"
        case .bool: "Boolean"
        case .number: "Number"
        case .string: "String"
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// Whether the value is a primitive (null, boolean, number or string).
    public var isPrimitive: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}

/// An ordered array value. `isFiltered` marks the result of a `*` filter, which indexes
/// into each of its elements rather than into itself.
public final class ExpressionArray: Sendable {
    /// The elements, in order.
    public let items: [ExpressionValue]
    /// Whether this array came from an object filter (`a.*`, `a[*]`).
    public let isFiltered: Bool

    /// Creates an array value.
    public init(_ items: [ExpressionValue], isFiltered: Bool = false) {
        self.items = items
        self.isFiltered = isFiltered
    }
}

/// An object value whose keys keep their insertion order and are looked up
/// case-insensitively; the first of two keys differing only by case wins.
public final class ExpressionObject: Sendable {
    /// The keys as first inserted.
    public let keys: [String]
    /// The values, parallel to `keys`.
    public let values: [ExpressionValue]
    /// Lower-cased keys, parallel to `keys`; small objects are searched linearly.
    private let foldedKeys: [String]
    private let indexByFoldedKey: [String: Int]
    private static let linearSearchLimit = 12

    /// Creates an object from ordered pairs.
    public init(_ pairs: [(String, ExpressionValue)]) {
        var keys: [String] = []
        var values: [ExpressionValue] = []
        var index: [String: Int] = [:]
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            let folded = key.lowercased()
            if index[folded] != nil { continue }
            index[folded] = keys.count
            keys.append(key)
            values.append(value)
        }
        self.keys = keys
        self.values = values
        self.foldedKeys = keys.map { $0.lowercased() }
        self.indexByFoldedKey = keys.count > Self.linearSearchLimit ? index : [:]
    }

    /// Creates an object from a dictionary (keys sorted, for reproducible output).
    public convenience init(_ dictionary: [String: ExpressionValue]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The value of `key`, compared case-insensitively.
    public subscript(key: String) -> ExpressionValue? {
        value(forFoldedKey: key.lowercased())
    }

    /// The value of a key already lowercased (the parser folds property names once).
    public func value(forFoldedKey folded: String) -> ExpressionValue? {
        if foldedKeys.count > Self.linearSearchLimit {
            return indexByFoldedKey[folded].map { values[$0] }
        }
        for i in foldedKeys.indices where foldedKeys[i] == folded { return values[i] }
        return nil
    }

    /// The pairs in order.
    public var pairs: [(key: String, value: ExpressionValue)] {
        zip(keys, values).map { ($0, $1) }
    }

    /// A copy with `key` set to `value` (replacing a key equal ignoring case).
    public func setting(_ key: String, to value: ExpressionValue) -> ExpressionObject {
        var result = pairs.map { ($0.key, $0.value) }
        if let i = foldedKeys.firstIndex(of: key.lowercased()) {
            result[i] = (keys[i], value)
        } else {
            result.append((key, value))
        }
        return ExpressionObject(result)
    }
}

extension ExpressionValue {
    /// Convenience for string-keyed maps of strings, common for `env` and `inputs`.
    public static func object(strings: [(String, String)]) -> ExpressionValue {
        .object(ExpressionObject(strings.map { ($0.0, .string($0.1)) }))
    }

    /// Structural equality (deep, case-sensitive keys, order-insensitive objects); for tests
    /// and for comparing results, not GitHub's `==`.
    public func structurallyEquals(_ other: ExpressionValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)):
            return a.items.count == b.items.count
                && zip(a.items, b.items).allSatisfy { $0.structurallyEquals($1) }
        case let (.object(a), .object(b)):
            guard a.keys.count == b.keys.count else { return false }
            for (key, value) in a.pairs {
                guard let i = b.keys.firstIndex(of: key), value.structurallyEquals(b.values[i]) else {
                    return false
                }
            }
            return true
        default: return false
        }
    }
}
