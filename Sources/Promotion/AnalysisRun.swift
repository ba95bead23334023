import Checks
import Expressions
import Foundation

/// Where a metric's measurements come from; `MetricProviders` has the real ones.
public protocol MeasurementSource: Sendable {
    /// One measurement's `result`.
    func measure(_ metric: Metric) throws -> ExpressionValue
}

/// Post-deploy analysis with Argo Rollouts' semantics: each metric is measured `count`
/// times, `interval` apart after `initialDelay`; each measurement is successful, failed,
/// inconclusive or an error by its conditions; a metric fails when its failures exceed
/// `failureLimit`, is inconclusive when inconclusive measurements exceed
/// `inconclusiveLimit`, errors when errors in a row exceed `consecutiveErrorLimit`, and
/// stops early when it can no longer succeed. Metrics run at the same time.
public struct AnalysisRunner: Sendable {
    public enum Phase: String, Codable, Sendable { case successful, failed, inconclusive, error }

    /// One measurement.
    public struct Measurement: Codable, Sendable {
        public let phase: Phase
        /// The result as JSON text, when there was one.
        public let value: String?
        public let message: String?
        public let at: String
    }

    /// One metric's measurements and outcome.
    public struct MetricResult: Codable, Sendable {
        public let name: String
        public let phase: Phase
        public let measurements: [Measurement]
        /// Why the metric ended as it did.
        public let summary: String
    }

    /// The whole analysis.
    public struct Result: Codable, Sendable {
        public let phase: Phase
        public let metrics: [MetricResult]
    }

    let source: any MeasurementSource
    /// Waits between measurements (a test may shorten it).
    let sleep: @Sendable (TimeInterval) -> Void
    /// Called after every measurement, for progress output.
    let onMeasurement: @Sendable (String, Measurement) -> Void

    public init(source: any MeasurementSource, sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
                onMeasurement: @escaping @Sendable (String, Measurement) -> Void = { _, _ in }) {
        self.source = source
        self.sleep = sleep
        self.onMeasurement = onMeasurement
    }

    /// Runs every metric of `analysis`, concurrently, and combines them: failed if any
    /// failed, else error if any errored, else inconclusive if any was, else successful.
    public func run(_ analysis: Analysis) -> Result {
        let results = UnsafeSendableBox([MetricResult?](repeating: nil, count: analysis.metrics.count))
        DispatchQueue.concurrentPerform(iterations: analysis.metrics.count) { index in
            let result = run(analysis.metrics[index])
            results.lock.withLock { results.value[index] = result }
        }
        let metrics = results.value.compactMap { $0 }
        let phases = Set(metrics.map(\.phase))
        let phase: Phase = phases.contains(.failed) ? .failed : phases.contains(.error) ? .error
            : phases.contains(.inconclusive) ? .inconclusive : .successful
        return Result(phase: phase, metrics: metrics)
    }

    /// Runs one metric to its outcome.
    public func run(_ metric: Metric) -> MetricResult {
        if metric.initialDelay > 0 { sleep(metric.initialDelay) }
        var measurements: [Measurement] = []
        var failed = 0, inconclusive = 0, errorsInRow = 0
        for index in 0..<metric.count {
            if index > 0, metric.interval > 0 { sleep(metric.interval) }
            let measurement = measure(metric)
            measurements.append(measurement)
            onMeasurement(metric.name, measurement)
            switch measurement.phase {
            case .successful: errorsInRow = 0
            case .failed: failed += 1; errorsInRow = 0
            case .inconclusive: inconclusive += 1; errorsInRow = 0
            case .error: errorsInRow += 1
            }
            if failed > metric.failureLimit {
                return MetricResult(name: metric.name, phase: .failed, measurements: measurements,
                                    summary: "\(failed) failed measurement(s), more than failureLimit \(metric.failureLimit)")
            }
            if errorsInRow > metric.consecutiveErrorLimit {
                return MetricResult(name: metric.name, phase: .error, measurements: measurements,
                                    summary: "\(errorsInRow) errors in a row, more than consecutiveErrorLimit \(metric.consecutiveErrorLimit): \(measurement.message ?? "")")
            }
            if inconclusive > metric.inconclusiveLimit {
                return MetricResult(name: metric.name, phase: .inconclusive, measurements: measurements,
                                    summary: "\(inconclusive) inconclusive measurement(s), more than inconclusiveLimit \(metric.inconclusiveLimit)")
            }
        }
        if errorsInRow > 0, errorsInRow == measurements.count {
            return MetricResult(name: metric.name, phase: .error, measurements: measurements,
                                summary: "every measurement was an error: \(measurements.last?.message ?? "")")
        }
        return MetricResult(name: metric.name, phase: .successful, measurements: measurements,
                            summary: "\(measurements.count) measurement(s): \(failed) failed, \(inconclusive) inconclusive, within limits")
    }

    /// One measurement, judged by the metric's conditions.
    func measure(_ metric: Metric) -> Measurement {
        let at = Timestamp.text()
        let value: ExpressionValue
        do { value = try source.measure(metric) } catch {
            return Measurement(phase: .error, value: nil, message: "\(error)", at: at)
        }
        let text = JSON.compact(value)
        let context = EvaluationContext(contexts: ExpressionObject([("result", value)]))
        func holds(_ condition: String?) throws -> Bool? {
            guard let condition else { return nil }
            return try Expression(condition, allowedContexts: ["result"]).evaluate(in: context).isTruthy
        }
        do {
            let success = try holds(metric.successCondition), failure = try holds(metric.failureCondition)
            let phase: Phase
            switch (success, failure) {
            case (_, true?): phase = .failed
            case (true?, _): phase = .successful
            case (false?, nil): phase = .failed
            case (nil, false?): phase = .successful
            default: phase = .inconclusive  // both given, neither met
            }
            return Measurement(phase: phase, value: text, message: nil, at: at)
        } catch {
            return Measurement(phase: .error, value: text, message: "the condition could not be evaluated: \(error)", at: at)
        }
    }
}

/// A value shared across the threads of `concurrentPerform`, behind a lock.
final class UnsafeSendableBox<T>: @unchecked Sendable {
    var value: T
    let lock = NSLock()
    init(_ value: T) { self.value = value }
}
