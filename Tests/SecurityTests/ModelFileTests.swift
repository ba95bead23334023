import Foundation
@testable import SecurityScan
import Testing
import TestSupport

/// Unsafe model files: Python writes malicious and benign pickles, PyTorch-style zip archives,
/// numpy arrays and safetensors at test time (none is committed); mlgate finds the same
/// imports as picklescan in each and agrees on which files are dangerous.
@Suite("Model files")
struct ModelFileTests {
    static let python = ProjectPaths.root + "/.build/peers-venv/bin/python"

    /// Writes the fixtures into `dir` and returns picklescan's globals per file.
    static let generator = #"""
    import io, json, os, pickle, struct, sys, zipfile, collections, functools, operator, subprocess, builtins
    import numpy as np
    from picklescan.scanner import scan_file_path
    d = sys.argv[1]

    class Call:
        def __init__(self, f, args): self.f, self.args = f, args
        def __reduce__(self): return (self.f, self.args)

    def write(name, data):
        with open(os.path.join(d, name), "wb") as f: f.write(data)

    # Malicious pickles, every protocol.
    for p in range(0, 6):
        write(f"system_p{p}.pkl", pickle.dumps(Call(os.system, ("echo pwned",)), protocol=p))
    write("eval.pkl", pickle.dumps(Call(builtins.eval, ("1+1",)), protocol=2))
    write("popen.pickle", pickle.dumps({"model": Call(subprocess.Popen, (["id"],))}, protocol=4))
    write("partial.pkl", pickle.dumps(Call(functools.partial, (print, "x")), protocol=3))
    write("getattr.joblib", pickle.dumps([1, Call(builtins.getattr, (Call(builtins.__import__, ("os",)), "system"))], protocol=4))
    # The memo: the module and name strings reused through BINGET/GET before STACK_GLOBAL.
    memo = (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00" b"\x8c\x02os\x94\x8c\x06system\x94\x93\x94" b"h\x00h\x01\x93\x94" b"\x8c\x02id\x94\x85\x94R\x94.")
    write("memo.pkl", memo)
    # Benign pickles.
    write("weights.pkl", pickle.dumps({"w": [0.1, 0.2], "b": 0.5, "meta": collections.OrderedDict(a=1)}, protocol=4))
    write("array.pkl", pickle.dumps(np.arange(12, dtype=np.float32).reshape(3, 4), protocol=2))
    write("counter.pkl", pickle.dumps(collections.Counter("abracadabra"), protocol=0))
    try:
        from sklearn.linear_model import LogisticRegression
        m = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]))
        write("sklearn.pkl", pickle.dumps(m, protocol=4))
    except ImportError:
        pass

    # A PyTorch-style archive: archive/data.pkl rebuilding a tensor from a storage, and one
    # with a payload beside it.
    def torch_pickle(extra=None):
        out = io.BytesIO()
        out.write(b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00\x00storageq\x03ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x000q\x05X\x03\x00\x00\x00cpuq\x06K\x04tq\x07QK\x00K\x04\x85q\x08K\x01\x85q\x09\x89ccollections\nOrderedDict\nq\x0a)Rq\x0btq\x0cRq\x0d")
        if extra: out.write(extra)
        out.write(b"s.")
        return out.getvalue()
    def torch_zip(name, pkl, compress=zipfile.ZIP_STORED):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compress) as z:
            z.writestr("archive/data.pkl", pkl)
            z.writestr("archive/data/0", struct.pack("<4f", 1, 2, 3, 4))
            z.writestr("archive/version", "3\n")
        write(name, buf.getvalue())
    torch_zip("model.pt", torch_pickle())
    torch_zip("model_deflated.pth", torch_pickle(), zipfile.ZIP_DEFLATED)
    evil = b"X\x04\x00\x00\x00evilcposix\nsystem\n(X\x02\x00\x00\x00idtR"
    torch_zip("backdoor.pt", torch_pickle(evil))

    # numpy: a plain array, and an object array (a pickle after the header).
    buf = io.BytesIO(); np.save(buf, np.arange(5)); write("plain.npy", buf.getvalue())
    buf = io.BytesIO(); np.save(buf, np.array([Call(os.system, ("id",))], dtype=object), allow_pickle=True); write("objects.npy", buf.getvalue())

    result = {}
    for name in sorted(os.listdir(d)):
        scanned = scan_file_path(os.path.join(d, name))
        result[name] = {"globals": sorted(f"{g.module}.{g.name}" for g in scanned.globals),
                        "dangerous": sorted(f"{g.module}.{g.name}" for g in scanned.globals if g.safety.value == "dangerous")}
    print(json.dumps(result))
    """#

    @Test("the same imports as picklescan in every generated file, and the same verdict on which are dangerous")
    func picklescanParity() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-models-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try ProcessRunner.run(Self.python, ["-c", Self.generator, dir], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let peer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: [String]]])
        #expect(peer.count >= 20)
        for (name, expected) in peer.sorted(by: { $0.key < $1.key }) {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            let findings = data.withUnsafeBytes { ModelFileScanner.scan($0, path: name, commit: nil, strict: false) }
            // Every import, as picklescan lists them.
            let globals: [String] = data.withUnsafeBytes { b in
                var all: [String] = []
                if ZipArchive.isZip(b), let zip = ZipArchive(b) {
                    for entry in zip.entries where entry.name.hasSuffix(".pkl") {
                        all += zip.contents(of: entry)!.withUnsafeBytes { PickleScanner.scan($0).globals.map { "\($0.module).\($0.name)" } }
                    }
                } else if name.hasSuffix(".npy") {
                    let headerEnd = 10 + (Int(b[8]) | Int(b[9]) << 8)
                    all = PickleScanner.scan(UnsafeRawBufferPointer(rebasing: b[headerEnd...])).globals.map { "\($0.module).\($0.name)" }
                } else {
                    all = PickleScanner.scan(b).globals.map { "\($0.module).\($0.name)" }
                }
                return all
            }
            #expect(Set(globals) == Set(expected["globals"] ?? []), "\(name): mlgate \(Set(globals).sorted()), picklescan \(expected["globals"] ?? [])")
            let dangerous = findings.filter { $0.rule == "model/dangerous-import" }
            let peerDangerous = expected["dangerous"] ?? []
            #expect(dangerous.isEmpty == peerDangerous.isEmpty, "\(name): mlgate \(dangerous.map(\.message)), picklescan \(peerDangerous)")
            for global in peerDangerous {
                #expect(dangerous.contains { $0.message.contains(global) }, "\(name): picklescan calls \(global) dangerous")
            }
            if !dangerous.isEmpty { #expect(dangerous.allSatisfy { $0.severity == .critical }) }
        }
        // Benign files: no finding at all, but for the estimator's unknown classes (a warning).
        for name in ["weights.pkl", "array.pkl", "counter.pkl", "model.pt", "model_deflated.pth", "plain.npy"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            let findings = data.withUnsafeBytes { ModelFileScanner.scan($0, path: name, commit: nil, strict: false) }
            #expect(findings.isEmpty, "\(name): \(findings.map(\.message))")
        }
        if FileManager.default.fileExists(atPath: dir + "/sklearn.pkl") {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/sklearn.pkl"))
            let lenient = data.withUnsafeBytes { ModelFileScanner.scan($0, path: "sklearn.pkl", commit: nil, strict: false) }
            #expect(lenient.map(\.rule) == ["model/unknown-import"] && lenient.first?.severity == .medium, "\(lenient.map(\.message))")
            let strict = data.withUnsafeBytes { ModelFileScanner.scan($0, path: "sklearn.pkl", commit: nil, strict: true) }
            #expect(strict.first?.severity == .high)
        }
        let objects = try Data(contentsOf: URL(fileURLWithPath: dir + "/objects.npy"))
        let found = objects.withUnsafeBytes { ModelFileScanner.scan($0, path: "objects.npy", commit: nil, strict: false) }
        #expect(Set(found.map(\.rule)) == ["model/numpy-object-array", "model/dangerous-import"])
    }

    @Test("safetensors are checked for structure; an LFS pointer is reported as not scanned; damaged input never crashes")
    func structure() {
        func safetensors(_ header: String, data: Int) -> [UInt8] {
            let h = Array(header.utf8)
            var out: [UInt8] = []
            for k in 0..<8 { out.append(UInt8((h.count >> (8 * k)) & 0xFF)) }
            return out + h + [UInt8](repeating: 0, count: data)
        }
        func scan(_ bytes: [UInt8], _ name: String) -> [SecurityFinding] {
            bytes.withUnsafeBytes { ModelFileScanner.scan($0, path: name, commit: nil, strict: false) }
        }
        let good = safetensors(#"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"I64","shape":[1],"data_offsets":[16,24]}}"#, data: 24)
        #expect(scan(good, "model.safetensors").isEmpty)
        let gap = safetensors(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#, data: 16)
        #expect(scan(gap, "model.safetensors").map(\.rule) == ["model/invalid-safetensors"])
        let wrongShape = safetensors(#"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#, data: 8)
        #expect(scan(wrongShape, "model.safetensors").first?.message.contains("8 bytes for a shape of 3 F16 values") == true)
        #expect(scan([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "x.safetensors").map(\.rule) == ["model/invalid-safetensors"])

        let pointer = Array("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n".utf8)
        let lfs = scan(pointer, "models/model.pt")
        #expect(lfs.map(\.rule) == ["model/lfs-pointer"] && lfs.first?.message.contains("not scanned") == true)

        // Truncated and mutated pickles and archives: findings or a refusal, never a crash.
        var state: UInt64 = 77
        var random = (next: { () -> Double in 0 }, unused: 0)
        random.next = {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let seed: [UInt8] = Array("\u{80}\u{04}\u{95}\u{10}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{8c}\u{02}os\u{94}\u{8c}\u{06}system\u{94}\u{93}\u{94}.".utf8)
        for _ in 0..<3_000 {
            var bytes = Array(seed.prefix(Int(random.next() * Double(seed.count + 1))))
            for _ in 0..<Int(random.next() * 4) where !bytes.isEmpty {
                bytes[Int(random.next() * Double(bytes.count)) % bytes.count] = UInt8(Int(random.next() * 256) % 256)
            }
            _ = scan(bytes, "fuzz.pkl")
            _ = scan([0x50, 0x4B, 0x03, 0x04] + bytes + [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0xFF, count: 18), "fuzz.pt")
            _ = scan([0x93] + Array("NUMPY".utf8) + bytes, "fuzz.npy")
            _ = scan(bytes, "fuzz.safetensors")
        }
    }
}
