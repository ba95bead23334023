/// What every chart gives: the picture, its alt text and title, its numbers, and mermaid
/// text when mermaid can draw it.
public protocol ChartDrawing: Sendable {
    var title: String { get }
    /// The alt text.
    var description: String { get }
    var table: (headers: [String], rows: [[String]]) { get }
    func svg() -> String
    /// The mermaid text (without the fence), or nil when mermaid cannot draw it.
    func mermaid() -> String?
}

extension LineChart: ChartDrawing {}
extension Histogram: ChartDrawing {}
extension BarChart: ChartDrawing {}
extension ForestPlot: ChartDrawing {
    /// Mermaid has no forest plot: Markdown shows its table.
    public func mermaid() -> String? { nil }
}

/// Any of the charts, for documents that hold a picture without caring which kind.
public enum Chart: Sendable {
    case line(LineChart)
    case forest(ForestPlot)
    case histogram(Histogram)
    case bars(BarChart)

    var drawing: any ChartDrawing {
        switch self {
        case .line(let c): c
        case .forest(let c): c
        case .histogram(let c): c
        case .bars(let c): c
        }
    }

    public func svg() -> String { drawing.svg() }
    /// The alt text.
    public var description: String { drawing.description }
    public var title: String { drawing.title }
    public var table: (headers: [String], rows: [[String]]) { drawing.table }
    /// The mermaid text (without the fence), or nil when mermaid cannot draw it.
    public func mermaid() -> String? { drawing.mermaid() }
}
