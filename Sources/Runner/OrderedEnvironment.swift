/// Environment variables in the order they were first set; later sets replace the value.
struct OrderedEnvironment: Sendable {
    private(set) var keys: [String] = []
    private(set) var values: [String: String] = [:]

    init(_ pairs: [(String, String)] = []) {
        for (k, v) in pairs { self[k] = v }
    }

    subscript(key: String) -> String? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }

    var pairs: [(String, String)] { keys.map { ($0, values[$0]!) } }

    func merging(_ other: OrderedEnvironment) -> OrderedEnvironment {
        var result = self
        for (k, v) in other.pairs { result[k] = v }
        return result
    }
}
