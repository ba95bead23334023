/// Which imports in a pickle are dangerous (loading the file runs code), known safe (the
/// tensor, array and container rebuilders frameworks write), or unknown — picklescan's
/// classes: dangerous, innocuous, suspicious.
public enum ImportPolicy {
    public enum Verdict: String, Sendable { case dangerous, safe, unknown }

    /// Modules whose every name is dangerous, and single dangerous names.
    static let dangerousModules: Set<String> = [
        "os", "posix", "nt", "subprocess", "sys", "socket", "shutil", "runpy", "pty", "pickle", "_pickle", "webbrowser",
        "commands", "bdb", "pdb", "asyncio", "code", "codeop", "importlib", "ctypes", "multiprocessing", "signal",
        "requests", "requests.api", "aiohttp", "aiohttp.client", "httplib", "http.client", "urllib", "urllib.request",
        "ftplib", "smtplib", "telnetlib", "timeit", "marshal", "_posixsubprocess", "zipimport", "pydoc", "venv", "pip",
        "torch._inductor.codecache", "torch.hub", "torch.serialization", "dill", "cloudpickle", "types",
    ]
    static let dangerousNames: [String: Set<String>] = [
        "builtins": ["eval", "exec", "execfile", "compile", "open", "getattr", "setattr", "delattr", "__import__", "apply",
                     "breakpoint", "input", "globals", "locals", "vars", "memoryview", "help", "exit", "quit"],
        "__builtin__": ["eval", "exec", "execfile", "compile", "open", "getattr", "setattr", "delattr", "__import__", "apply",
                        "breakpoint", "input", "globals", "locals", "vars", "file", "reload"],
        "__builtins__": ["eval", "exec", "execfile", "compile", "open", "getattr", "setattr", "delattr", "__import__", "apply",
                         "breakpoint", "input"],
        "functools": ["partial", "reduce"],
        "operator": ["attrgetter", "itemgetter", "methodcaller", "call"],
        "numpy.testing._private.utils": ["runstring"],
        "io": ["open", "FileIO", "open_code"],
        "_io": ["open", "FileIO", "open_code"],
        "tempfile": ["NamedTemporaryFile", "mkstemp", "mktemp", "TemporaryFile"],
        "pathlib": ["Path", "PosixPath", "WindowsPath"],
        "linecache": ["getline", "getlines", "updatecache"],
        "site": ["main", "addsitedir"],
    ]

    /// Imports frameworks write for plain data: torch storages and tensor rebuilders, numpy
    /// arrays and dtypes, containers, scalars.
    static let safeModules: Set<String> = ["torch._utils", "torch._tensor", "numpy.core.multiarray", "numpy._core.multiarray"]
    static let safeNames: [String: Set<String>] = [
        "collections": ["OrderedDict", "defaultdict", "Counter", "deque"],
        "builtins": ["set", "frozenset", "slice", "range", "complex", "bytearray", "bytes", "dict", "list", "tuple", "int", "float", "str", "bool", "object", "type"],
        "__builtin__": ["set", "frozenset", "slice", "xrange", "complex", "bytearray", "dict", "list", "tuple", "int", "float", "str", "bool", "object", "unicode", "long"],
        "copy_reg": ["_reconstructor"],
        "copyreg": ["_reconstructor"],
        "_codecs": ["encode"],
        "numpy": ["dtype", "ndarray", "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool_", "core"],
        "numpy.core.numeric": ["_frombuffer"],
        "numpy._core.numeric": ["_frombuffer"],
        "numpy.dtypes": ["Float64DType", "Float32DType", "Int64DType", "Int32DType", "UInt8DType", "BoolDType"],
        "torch": ["FloatStorage", "HalfStorage", "DoubleStorage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage",
                  "BoolStorage", "BFloat16Storage", "ComplexFloatStorage", "ComplexDoubleStorage", "QUInt8Storage", "QInt8Storage",
                  "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage", "TypedStorage", "Size", "device", "dtype",
                  "float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8", "bool", "strided",
                  "contiguous_format", "channels_last", "per_tensor_affine", "per_channel_affine"],
        "torch.nn.parameter": ["Parameter"],
        "joblib.numpy_pickle": ["NumpyArrayWrapper"],
        "sklearn.utils._bunch": ["Bunch"],
    ]

    public static func verdict(module: String, name: String) -> Verdict {
        if dangerousModules.contains(module) || dangerousModules.contains(where: { module.hasPrefix($0 + ".") }) { return .dangerous }
        if let names = dangerousNames[module], names.contains(name) { return .dangerous }
        if module == "?" { return .unknown }
        if safeModules.contains(module) { return .safe }
        if let names = safeNames[module], names.contains(name) { return .safe }
        return .unknown
    }
}
