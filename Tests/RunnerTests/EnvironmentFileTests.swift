import Testing
@testable import Runner

@Suite("Environment files and workflow commands")
struct EnvironmentFileTests {
    @Test("NAME=value keeps everything after the first '='")
    func simple() throws {
        let pairs = try EnvironmentFile.parse("A=1\nB=x=y\n\nC=\n")
        #expect(pairs.map(\.0) == ["A", "B", "C"])
        #expect(pairs.map(\.1) == ["1", "x=y", ""])
    }

    @Test("heredoc values end before the newline that precedes the delimiter")
    func heredoc() throws {
        let pairs = try EnvironmentFile.parse("M<<EOF\none\ntwo\nEOF\nE<<X\nX\nN=after\n")
        #expect(pairs.map(\.1) == ["one\ntwo", "", "after"])
    }

    @Test("'=' before '<<' makes it a plain value")
    func equalsFirst() throws {
        #expect(try EnvironmentFile.parse("A=b<<c\n").first?.1 == "b<<c")
    }

    @Test(arguments: [
        ("M<<EOF\nno end\n", "Matching delimiter not found 'EOF'"),
        ("M<<EOF\nvalueEOF\n", "Matching delimiter not found 'EOF'"),
        ("=v\n", "Name must not be empty"),
        ("<<EOF\nx\nEOF\n", "delimiter must not be empty"),
        ("M<<\n", "delimiter must not be empty"),
        ("garbage\n", "Invalid format 'garbage'"),
    ])
    func errors(input: String, message: String) {
        #expect {
            try EnvironmentFile.parse(input)
        } throws: { error in
            (error as? EnvironmentFile.FormatError)?.message.contains(message) == true
        }
    }

    @Test("workflow commands parse names, properties and escapes")
    func commands() {
        let c = WorkflowCommand.parse("::error file=a%2Cb.py,line=3,title=T%3A1::bad%0Athing%25")
        #expect(c?.name == "error")
        #expect(c?.properties == ["file": "a,b.py", "line": "3", "title": "T:1"])
        #expect(c?.message == "bad\nthing%")
        #expect(WorkflowCommand.parse("::add-mask::s3cret")?.message == "s3cret")
        #expect(WorkflowCommand.parse("not ::a command::") == nil)
        #expect(WorkflowCommand.parse("::nocommandend") == nil)
    }

    @Test("secrets are masked, multi-line ones line by line, longest first")
    func masking() {
        let masker = SecretMasker(["abc", "abcdef", "line1\nline2"])
        #expect(masker.mask("x abcdef y abc") == "x *** y ***")
        #expect(masker.mask("got line2 here") == "got *** here")
        #expect(masker.containsSecret("zzline1zz"))
    }
}
