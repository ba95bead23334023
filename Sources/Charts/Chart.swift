/// Any of the charts, for documents that hold a picture without caring which kind.
public enum Chart: Sendable {
    case line(LineChart)
    case forest(ForestPlot)
    case histogram(Histogram)
    case bars(BarChart)

    public func svg() -> String {
        switch self {
        case .line(let c): c.svg()
        case .forest(let c): c.svg()
        case .histogram(let c): c.svg()
        case .bars(let c): c.svg()
        }
    }

    /// The alt text.
    public var description: String {
        switch self {
        case .line(let c): c.description
        case .forest(let c): c.description
        case .histogram(let c): c.description
        case .bars(let c): c.description
        }
    }

    public var title: String {
        switch self {
        case .line(let c): c.title
        case .forest(let c): c.title
        case .histogram(let c): c.title
        case .bars(let c): c.title
        }
    }

    public var table: (headers: [String], rows: [[String]]) {
        switch self {
        case .line(let c): c.table
        case .forest(let c): c.table
        case .histogram(let c): c.table
        case .bars(let c): c.table
        }
    }

    /// The mermaid text (without the fence), or nil when mermaid cannot draw it.
    public func mermaid() -> String? {
        switch self {
        case .line(let c): c.mermaid()
        case .forest: nil
        case .histogram(let c): c.mermaid()
        case .bars(let c): c.mermaid()
        }
    }
}
