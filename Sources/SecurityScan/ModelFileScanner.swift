#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Model files that can run code when loaded: pickles (`.pkl`, `.joblib`, PyTorch's `.pt`
/// zip archives and legacy files), numpy object arrays, Keras Lambda layers; safetensors
/// checked for a valid structure; Git LFS pointers reported as not scanned, never passed.
public enum ModelFileScanner {
    /// File names looked at.
    static let extensions: Set<String> = ["pkl", "pickle", "joblib", "dat", "pt", "pth", "bin", "ckpt", "npy", "npz", "h5", "hdf5", "keras", "safetensors"]

    public static func isModelFile(_ path: String) -> Bool {
        extensions.contains(fileExtension(path))
    }

    static func fileExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return path[path.index(after: dot)...].lowercased()
    }

    /// The rules it reports, for SARIF.
    public static let rules: [SecurityRuleInfo] = [
        SecurityRuleInfo(id: "model/dangerous-import", category: .models, severity: .critical, summary: "A model file imports code that runs when it is loaded",
                         help: "Loading this pickle calls a function that can run commands, open files or the network (os, subprocess, builtins.eval, …). Do not load it; rebuild the model from its training code and save the weights as safetensors."),
        SecurityRuleInfo(id: "model/unknown-import", category: .models, severity: .medium, summary: "A model file imports globals not on the safe list",
                         help: "Loading this pickle imports classes mlgate does not know to be safe (scikit-learn estimators, custom classes). Check them, or save the weights as safetensors; --strict makes these fail."),
        SecurityRuleInfo(id: "model/invalid-pickle", category: .models, severity: .medium, summary: "A model file is not a readable pickle",
                         help: "The file has a model's name but its pickle cannot be read to the end; it may be corrupt, compressed, or crafted to confuse scanners."),
        SecurityRuleInfo(id: "model/numpy-object-array", category: .models, severity: .medium, summary: "A .npy array holds Python objects",
                         help: "Object arrays are pickles: numpy.load needs allow_pickle=True, which runs what the file imports. Store plain numeric arrays."),
        SecurityRuleInfo(id: "model/keras-lambda", category: .models, severity: .high, summary: "A Keras model has a Lambda layer",
                         help: "A Lambda layer holds Python bytecode that runs when the model is loaded (unless safe_mode). Replace it with a registered custom layer."),
        SecurityRuleInfo(id: "model/invalid-safetensors", category: .models, severity: .high, summary: "A safetensors file is not structurally valid",
                         help: "Its header, dtypes, shapes or offsets do not describe its data; loaders may reject or misread it."),
        SecurityRuleInfo(id: "model/lfs-pointer", category: .models, severity: .medium, summary: "A model tracked by Git LFS was not scanned",
                         help: "The repository holds only the LFS pointer; fetch the object (git lfs pull) and scan the working tree with --worktree."),
        SecurityRuleInfo(id: "model/not-scanned", category: .models, severity: .low, summary: "A model file could not be scanned",
                         help: "The file is compressed or in a format mlgate does not read; scan it after decompressing, or store weights as safetensors."),
    ]

    /// The findings in one model file (nothing for a file that is not one after all).
    public static func scan(_ b: UnsafeRawBufferPointer, path: String, commit: String?, strict: Bool) -> [SecurityFinding] {
        var findings: [SecurityFinding] = []
        func add(_ rule: String, _ severity: Severity, _ confidence: Confidence, _ message: String, detail: String? = nil) {
            findings.append(SecurityFinding(rule: rule, category: .models, severity: severity, confidence: confidence, message: message,
                                            path: path, commit: commit, detail: detail))
        }
        let ext = fileExtension(path)
        if isLFSPointer(b) {
            add("model/lfs-pointer", .medium, .high, "not scanned: \(path) is a Git LFS pointer")
            return findings
        }
        switch ext {
        case "safetensors":
            if let problem = safetensorsProblem(b) { add("model/invalid-safetensors", .high, .high, "\(path): \(problem)") }
        case "npy":
            numpy(b, name: path, add: add, strict: strict)
        case "h5", "hdf5":
            if contains(b, "\"class_name\": \"Lambda\"") || contains(b, "\"class_name\":\"Lambda\"") {
                add("model/keras-lambda", .high, .medium, "\(path) has a Keras Lambda layer (code that runs when the model is loaded)")
            }
        default:
            if ZipArchive.isZip(b) {
                guard let zip = ZipArchive(b) else {
                    add("model/not-scanned", .low, .medium, "\(path): a zip archive whose directory cannot be read")
                    return findings
                }
                for entry in zip.entries {
                    let name = entry.name.lowercased()
                    if name.hasSuffix(".pkl") || name.hasSuffix("/data.pkl") {
                        guard let bytes = zip.contents(of: entry) else {
                            add("model/not-scanned", .low, .medium, "\(path): \(entry.name) cannot be read from the archive", detail: entry.name)
                            continue
                        }
                        bytes.withUnsafeBytes { pickle($0, name: "\(path) (\(entry.name))", detail: entry.name, add: add, strict: strict) }
                    } else if name.hasSuffix(".npy"), let bytes = zip.contents(of: entry) {
                        bytes.withUnsafeBytes { numpy($0, name: "\(path) (\(entry.name))", add: add, strict: strict) }
                    } else if name == "config.json", ext == "keras", let bytes = zip.contents(of: entry, limit: 64 << 20) {
                        if bytes.withUnsafeBytes({ contains($0, "\"class_name\": \"Lambda\"") || contains($0, "\"class_name\":\"Lambda\"") }) {
                            add("model/keras-lambda", .high, .high, "\(path) has a Keras Lambda layer (code that runs when the model is loaded)")
                        }
                    }
                }
            } else if PickleScanner.looksLikePickle(b) {
                pickle(b, name: path, detail: nil, add: add, strict: strict)
            } else if ["pkl", "pickle", "joblib"].contains(ext), b.count > 2 {
                let kind = b[0] == 0x1F && b[1] == 0x8B ? "gzip-compressed" : (b[0] == 0x78 ? "zlib-compressed" : "not a pickle")
                add("model/not-scanned", .low, .medium, "\(path) is \(kind); it was not scanned")
            }
        }
        return findings
    }

    /// One finding per dangerous import; the unknown ones together.
    private static func pickle(_ b: UnsafeRawBufferPointer, name: String, detail: String?, add: (String, Severity, Confidence, String, String?) -> Void, strict: Bool) {
        let result = PickleScanner.scan(b)
        var seen = Set<String>()
        var unknown: [String] = []
        for global in result.globals {
            let dotted = global.module == "?" ? "an import built at load time" : "\(global.module).\(global.name)"
            guard seen.insert(dotted).inserted else { continue }
            switch ImportPolicy.verdict(module: global.module, name: global.name) {
            case .dangerous:
                add("model/dangerous-import", .critical, .high, "\(name) imports \(dotted): loading it runs code", [detail, dotted].compactMap { $0 }.joined(separator: ":"))
            case .unknown:
                unknown.append(dotted)
            case .safe:
                break
            }
        }
        if !unknown.isEmpty {
            let listed = unknown.prefix(5).joined(separator: ", ") + (unknown.count > 5 ? " and \(unknown.count - 5) more" : "")
            add("model/unknown-import", strict ? .high : .medium, .medium, "\(name) imports \(listed), not on the safe list", detail)
        }
        if let error = result.error {
            add("model/invalid-pickle", .medium, .medium, "\(name): \(error)", detail)
        }
    }

    /// A `.npy` file: its header, and the pickle after it for an object array.
    private static func numpy(_ b: UnsafeRawBufferPointer, name: String, add: (String, Severity, Confidence, String, String?) -> Void, strict: Bool) {
        guard b.count >= 10, b[0] == 0x93, String(decoding: UnsafeRawBufferPointer(rebasing: b[1..<6]), as: UTF8.self) == "NUMPY" else {
            add("model/not-scanned", .low, .medium, "\(name) is not a .npy array", nil)
            return
        }
        let major = Int(b[6])
        let headerLength = major == 1 ? Int(b[8]) | Int(b[9]) << 8 : (b.count >= 12 ? Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24 : -1)
        let start = major == 1 ? 10 : 12
        guard headerLength >= 0, start + headerLength <= b.count else {
            add("model/not-scanned", .low, .medium, "\(name): the .npy header is damaged", nil)
            return
        }
        let header = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<(start + headerLength)]), as: UTF8.self)
        guard header.contains("'descr': '|O'") || header.contains("\"descr\": \"|O\"") else { return }
        add("model/numpy-object-array", .medium, .high, "\(name) is an object array: numpy.load needs allow_pickle=True", nil)
        pickle(UnsafeRawBufferPointer(rebasing: b[(start + headerLength)...]), name: name, detail: nil, add: add, strict: strict)
    }

    /// Why a safetensors file is not valid, or nil: an 8-byte header length, a JSON header
    /// whose tensors have known dtypes, shapes matching their byte ranges, and ranges that
    /// tile the data exactly.
    static func safetensorsProblem(_ b: UnsafeRawBufferPointer) -> String? {
        guard b.count >= 8 else { return "shorter than its 8-byte header length" }
        var n = 0
        for k in 0..<8 { n |= Int(b[k]) << (8 * k) }
        guard n > 0, n <= 100 << 20, 8 + n <= b.count else { return "the header length \(n) does not fit the file" }
        guard let header = try? JSONSerialization.jsonObject(with: Data(UnsafeRawBufferPointer(rebasing: b[8..<(8 + n)]))) as? [String: Any] else {
            return "the header is not a JSON object"
        }
        let sizes = ["BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4,
                     "I64": 8, "U64": 8, "F64": 8, "C64": 8]
        let dataLength = b.count - 8 - n
        var ranges: [(Int, Int)] = []
        for (key, value) in header {
            if key == "__metadata__" {
                guard let metadata = value as? [String: Any], metadata.values.allSatisfy({ $0 is String }) else { return "__metadata__ must map strings to strings" }
                continue
            }
            guard let tensor = value as? [String: Any], let dtype = tensor["dtype"] as? String, let size = sizes[dtype],
                  let shape = tensor["shape"] as? [Int], let offsets = tensor["data_offsets"] as? [Int], offsets.count == 2 else {
                return "tensor '\(key)' lacks a known dtype, a shape or data_offsets"
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] <= dataLength else {
                return "tensor '\(key)' has offsets outside the data"
            }
            var count = 1
            for d in shape {
                let (m, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else { return "tensor '\(key)' has an impossible shape" }
                count = m
            }
            guard count.multipliedReportingOverflow(by: size).partialValue == offsets[1] - offsets[0] else {
                return "tensor '\(key)' has \(offsets[1] - offsets[0]) bytes for a shape of \(count) \(dtype) values"
            }
            ranges.append((offsets[0], offsets[1]))
        }
        var end = 0
        for (from, to) in ranges.sorted(by: { $0 < $1 }) {
            guard from == end else { return "the tensors' data overlap or leave a gap at byte \(end)" }
            end = to
        }
        guard end == dataLength else { return "\(dataLength - end) bytes after the last tensor" }
        return nil
    }

    /// Whether the file is a Git LFS pointer (its object is elsewhere).
    static func isLFSPointer(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count < 1024 && contains(UnsafeRawBufferPointer(rebasing: b[0..<min(b.count, 64)]), "version https://git-lfs.github.com/spec/")
    }

    static func contains(_ b: UnsafeRawBufferPointer, _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= b.count, let base = b.baseAddress else { return false }
        var at = 0
        let last = b.count - needle.count
        // Each place the first byte is (memchr), then the rest compared.
        while at <= last, let hit = memchr(base + at, Int32(needle[0]), last - at + 1) {
            let k = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + k, needle, needle.count) == 0 { return true }
            at = k + 1
        }
        return false
    }
}
