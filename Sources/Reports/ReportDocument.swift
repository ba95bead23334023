import Charts

/// A report as structure — sections of paragraphs, facts, tables, charts — rendered the
/// same way to a self-contained HTML page (`HTMLPage`) and to Markdown (`MarkdownPage`), so
/// both formats always hold the same facts.
public struct ReportDocument: Sendable {
    public var title: String
    /// A line under the title (what the page is about, when it was made).
    public var subtitle: String?
    public var sections: [Section]

    public init(title: String, subtitle: String? = nil, sections: [Section] = []) {
        (self.title, self.subtitle, self.sections) = (title, subtitle, sections)
    }

    /// A part of the page with its own heading (and anchor `id`).
    public struct Section: Sendable {
        public var id: String
        public var title: String
        public var blocks: [Block]
        public init(id: String, title: String, blocks: [Block] = []) { (self.id, self.title, self.blocks) = (id, title, blocks) }
    }

    /// How something went, shown by a word and a symbol as well as a colour.
    public enum Tone: String, Sendable {
        case good, warn, bad, neutral

        /// The symbol beside the word (never the colour alone).
        public var symbol: String {
            switch self {
            case .good: "✓"
            case .warn: "⚠"
            case .bad: "✗"
            case .neutral: "•"
            }
        }
    }

    /// One table cell: text, optionally with a tone (a status) or a relative link.
    public struct Cell: Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var tone: Tone?
        public var link: String?
        /// Set in a monospace font (digests, commits, paths).
        public var code = false

        public init(_ text: String, tone: Tone? = nil, link: String? = nil, code: Bool = false) {
            (self.text, self.tone, self.link, self.code) = (text, tone, link, code)
        }

        public init(stringLiteral value: String) { self.init(value) }
    }

    public struct Table: Sendable {
        public var caption: String?
        public var headers: [String]
        public var rows: [[Cell]]
        public init(caption: String? = nil, headers: [String], rows: [[Cell]]) { (self.caption, self.headers, self.rows) = (caption, headers, rows) }
    }

    public enum Block: Sendable {
        case paragraph(String)
        /// A prominent verdict: "✓ promote — fraud v1.2.0 → production".
        case verdict(tone: Tone, label: String, text: String)
        /// Term and value pairs.
        case facts([(String, Cell)])
        case table(Table)
        /// A picture with its numbers as a table beside it.
        case chart(Chart)
        case list([String])
        /// A command to copy.
        case command(String)
        /// Text in a smaller, muted style.
        case note(String)
        /// A sub-heading inside a section.
        case subheading(String)
    }
}
