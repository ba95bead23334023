/// An error from a git operation, carrying libgit2's own message.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// What mlgate was doing (`open repository at /x`).
    public let operation: String
    /// libgit2's message, read right after the failing call.
    public let message: String
    /// libgit2's error code.
    public let code: Int32

    /// Creates a git error.
    public init(operation: String, message: String, code: Int32) {
        self.operation = operation
        self.message = message
        self.code = code
    }

    public var description: String { "\(operation): \(message)" }

    /// Another writer got there first: a compare-and-swap ref update found another value
    /// than the one expected, the ref exists already, or another writer holds its lock.
    public var isConflict: Bool { code == -15 || code == -4 || code == -14 }  // GIT_EMODIFIED, GIT_EEXISTS, GIT_ELOCKED
    /// A push would have overwritten commits the remote has and we do not.
    public var isNotFastForward: Bool { code == -11 }  // GIT_ENONFASTFORWARD
    /// Another writer holds the reference's lock file (it may be working, or gone).
    public var isLocked: Bool { code == -14 }  // GIT_ELOCKED
    /// The reference's lock file was left by a writer that is gone; `message` names the
    /// file and how to remove it. Not a conflict: retrying cannot help.
    public var isStaleLock: Bool { code == Self.staleLockCode }
    /// mlgate's own code for `isStaleLock` (outside libgit2's range).
    public static let staleLockCode: Int32 = -1000

    /// The object, reference or path does not exist.
    public var isNotFound: Bool { code == -3 }  // GIT_ENOTFOUND
}
