@_exported import YAMLSource

/// A workflow that cannot run, with every problem found in it.
public typealias WorkflowError = SourceError
