import Expressions
import Testing
@testable import Runner

@Suite("Matrix expansion")
struct MatrixExpanderTests {
    func expand(_ json: String) throws -> [String] {
        try MatrixExpander.expand(try JSON.parse(json)).map { JSON.compact(.object($0)) }
    }

    @Test("GitHub's documented include example")
    func documentedInclude() throws {
        let combos = try expand("""
        {"fruit":["apple","pear"],"animal":["cat","dog"],"include":[
          {"color":"green"},{"color":"pink","animal":"cat"},{"fruit":"apple","shape":"circle"},
          {"fruit":"banana"},{"fruit":"banana","animal":"cat"}]}
        """)
        #expect(combos == [
            #"{"fruit":"apple","animal":"cat","color":"pink","shape":"circle"}"#,
            #"{"fruit":"apple","animal":"dog","color":"green","shape":"circle"}"#,
            #"{"fruit":"pear","animal":"cat","color":"pink"}"#,
            #"{"fruit":"pear","animal":"dog","color":"green"}"#,
            #"{"fruit":"banana"}"#,
            #"{"fruit":"banana","animal":"cat"}"#,
        ])
    }

    @Test("exclude matches partially; include-only matrices list their entries")
    func excludeAndIncludeOnly() throws {
        #expect(try expand(#"{"os":["a","b"],"v":[1,2],"exclude":[{"os":"b"}]}"#) == [#"{"os":"a","v":1}"#, #"{"os":"a","v":2}"#])
        #expect(try expand(#"{"include":[{"a":1},{"a":2}]}"#) == [#"{"a":1}"#, #"{"a":2}"#])
    }

    @Test("more than 256 combinations is an error")
    func limit() {
        #expect(throws: MatrixExpander.MatrixError.self) {
            try expand(#"{"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}"#)
        }
    }

    @Test("display suffixes follow GitHub's job names")
    func names() throws {
        guard case .object(let o) = try JSON.parse(#"{"os":"linux","v":3.1,"x":{"y":1}}"#) else { return }
        #expect(MatrixExpander.displaySuffix(o) == #"(linux, 3.1, {"y":1})"#)
    }
}
