/// The type of an expression's value as a linter infers it without running the workflow
/// (actionlint's type system: what `github.ref` holds, what a matrix row holds, what a
/// function takes and returns).
public indirect enum ExpressionType: Sendable, Equatable {
    /// Unknown: anything goes.
    case any
    case null, bool, number, string
    /// An object: known properties, and the type of any other property (`mapped`; nil for a
    /// strict object, whose other properties do not exist). A map such as `env` has no
    /// properties and a mapped type; a loose object (`github.event`) maps to `any`.
    case object(properties: [String: ExpressionType], mapped: ExpressionType?)
    /// An array; `filtered` after `.*`, when `.name` reads each element's property.
    case array(ExpressionType, filtered: Bool = false)

    /// An object whose every property is known.
    public static func strict(_ properties: [String: ExpressionType]) -> ExpressionType { .object(properties: properties, mapped: nil) }
    /// An object of any properties, each of type `value`.
    public static func map(_ value: ExpressionType) -> ExpressionType { .object(properties: [:], mapped: value) }
    /// An object about which nothing is known (`github.event`).
    public static let looseObject = ExpressionType.object(properties: [:], mapped: .any)

    /// Whether it is an object or an array (what text cannot show).
    public var isComposite: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }

    /// Whether a value of type `other` may be used where this type is expected.
    public func accepts(_ other: ExpressionType) -> Bool {
        if case .any = other { return true }
        switch self {
        case .any: return true
        case .null: if case .null = other { return true } else { return false }
        case .number: if case .number = other { return true } else { return false }
        // Any value converts to a boolean.
        case .bool: return true
        // Numbers convert to text; booleans and null do too, but that is almost always a
        // mistake.
        case .string:
            switch other {
            case .string, .number: return true
            default: return false
            }
        case .object(let properties, let mapped):
            guard case .object(let otherProperties, let otherMapped) = other else { return false }
            if let mapped {
                if let otherMapped { return mapped.accepts(otherMapped) }
                return otherProperties.values.allSatisfy(mapped.accepts)
            }
            if let otherMapped { return properties.values.allSatisfy { $0.accepts(otherMapped) } }
            return otherProperties.allSatisfy { name, type in properties[name]?.accepts(type) ?? false }
        case .array(let element, _):
            guard case .array(let otherElement, _) = other else { return false }
            return element.accepts(otherElement)
        }
    }

    /// The type of a value that is either of two types (branches of `||`, matrix values).
    public func merged(with other: ExpressionType) -> ExpressionType {
        switch (self, other) {
        case (.any, _): return .any
        case (.null, .null): return .null
        case (.number, .number): return .number
        case (.bool, .bool): return .bool
        case (.number, .string), (.bool, .string): return .string
        case (.string, .string), (.string, .number), (.string, .bool): return .string
        case (.object(let lp, let lm), .object(let rp, let rm)):
            if lp.isEmpty, rm == .any { return other }
            if rp.isEmpty, lm == .any { return self }
            var mapped = lm
            if mapped == nil { mapped = rm } else if let rm { mapped = mapped!.merged(with: rm) }
            var properties = lp
            for (name, type) in rp {
                if let existing = properties[name] {
                    properties[name] = existing.merged(with: type)
                } else {
                    properties[name] = type
                    if let current = mapped { mapped = current.merged(with: type) }
                }
            }
            return .object(properties: properties, mapped: mapped)
        case (.array(let l, _), .array(let r, _)):
            if l == .any { return self }
            if r == .any { return other }
            return .array(l.merged(with: r))
        default: return .any
        }
    }

    /// The type of a JSON value (`fromJSON` of a literal, a matrix written in YAML).
    public static func of(_ value: ExpressionValue) -> ExpressionType {
        switch value {
        case .null: return .null
        case .bool: return .bool
        case .number: return .number
        case .string: return .string
        case .array(let array):
            guard let first = array.items.first else { return .array(.any) }
            return .array(array.items.dropFirst().reduce(of(first)) { $0.merged(with: of($1)) })
        case .object(let object):
            var properties: [String: ExpressionType] = [:]
            for (key, value) in zip(object.keys, object.values) { properties[key.lowercased()] = of(value) }
            return .strict(properties)
        }
    }
}

extension ExpressionType: CustomStringConvertible {
    /// As actionlint prints types: `string`, `array<number>`, `{a: string; b: number}`,
    /// `{string => string}`, `object`.
    public var description: String {
        switch self {
        case .any: return "any"
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array(let element, _): return "array<\(element)>"
        case .object(let properties, let mapped):
            if let mapped { return mapped == .any ? "object" : "{string => \(mapped)}" }
            return "{" + properties.keys.sorted().map { "\($0): \(properties[$0]!)" }.joined(separator: "; ") + "}"
        }
    }
}
