import Expressions
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The metric providers: Prometheus' HTTP query API, a command, a JSON file.
public struct MetricProviders: MeasurementSource {
    /// Where commands run and relative files are found (the repository's working tree).
    public let root: String
    /// How long a Prometheus query or a command may take.
    public let timeout: TimeInterval

    public init(root: String, timeout: TimeInterval = 30) {
        self.root = root
        self.timeout = timeout
    }

    /// A measurement that could not be taken.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public func measure(_ metric: Metric) throws -> ExpressionValue {
        switch metric.provider {
        case .prometheus(let address, let query): try prometheus(address: address, query: query)
        case .command(let words): try command(words)
        case .file(let path, let key): try file(path, key: key)
        }
    }

    /// `GET /api/v1/query`: a scalar is a number; a vector is the list of its samples' values
    /// (Argo's `result[0]`); an empty vector is an error, as it cannot be judged.
    func prometheus(address: String, query: String) throws -> ExpressionValue {
        var components = URLComponents(string: address.hasSuffix("/") ? String(address.dropLast()) : address)
        components?.path += "/api/v1/query"
        components?.queryItems = [URLQueryItem(name: "query", value: query)]
        guard let url = components?.url else { throw Failure(description: "'\(address)' is not a usable address") }
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let box = UnsafeSendableBox<(Data?, String?)>((nil, nil))
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.lock.withLock {
                box.value = error != nil ? (nil, "\(error!.localizedDescription)") : (status >= 200 && status < 300 || status == 400 || status == 422) ? (data, nil) : (nil, "HTTP \(status)")
            }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + timeout + 1)
        let (data, problem) = box.lock.withLock { box.value }
        if let problem { throw Failure(description: "Prometheus at \(address): \(problem)") }
        guard let data else { throw Failure(description: "Prometheus at \(address) did not answer within \(Int(timeout)) s") }
        let reply: ExpressionValue
        do { reply = try JSON.parse(String(decoding: data, as: UTF8.self)) } catch {
            throw Failure(description: "Prometheus at \(address) answered with something that is not JSON")
        }
        guard case .object(let object) = reply else { throw Failure(description: "unexpected reply from Prometheus") }
        guard object["status"]?.stringValue == "success", case .object(let payload)? = object["data"] else {
            throw Failure(description: "Prometheus rejected the query: \(object["error"]?.stringValue ?? "unknown error")")
        }
        func number(_ sample: ExpressionValue?) -> ExpressionValue? {
            guard case .array(let pair)? = sample, pair.items.count == 2 else { return nil }
            return .number(JSNumber.parse(pair.items[1].stringValue))
        }
        switch payload["resultType"]?.stringValue {
        case "scalar":
            guard let value = number(payload["result"]) else { throw Failure(description: "a scalar without a value") }
            return value
        case "vector":
            guard case .array(let samples)? = payload["result"] else { throw Failure(description: "a vector without samples") }
            let values = samples.items.compactMap { sample -> ExpressionValue? in
                guard case .object(let s) = sample else { return nil }
                return number(s["value"])
            }
            guard !values.isEmpty else { throw Failure(description: "the query returned no samples: \(query)") }
            return .array(ExpressionArray(values))
        default:
            throw Failure(description: "the query returned a \(payload["resultType"]?.stringValue ?? "?"); use a query that returns a scalar or an instant vector")
        }
    }

    /// The command's standard output: JSON, or a number.
    func command(_ words: [String]) throws -> ExpressionValue {
        let display = words.joined(separator: " ")
        let result = CapturedCommand.run(words, in: root)
        guard result.status == 0 else {
            throw Failure(description: "\(display) exited with \(result.status): \(result.error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let text = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        if let value = try? JSON.parse(text) { return value }
        throw Failure(description: "\(display) printed '\(text.prefix(80))', which is neither a number nor JSON")
    }

    /// The value at a dotted key path (`eval.accuracy`, `scores.0`) of a JSON file.
    func file(_ path: String, key: String) throws -> ExpressionValue {
        let full = path.hasPrefix("/") ? path : root + "/" + path
        guard let data = FileManager.default.contents(atPath: full) else { throw Failure(description: "\(path) cannot be read") }
        var value: ExpressionValue
        do { value = try JSON.parse(String(decoding: data, as: UTF8.self)) } catch {
            throw Failure(description: "\(path) is not JSON: \(error.message)")
        }
        for part in key.split(separator: ".") {
            switch value {
            case .object(let object):
                guard let next = object[String(part)] else { throw Failure(description: "\(path) has no '\(key)' (no '\(part)')") }
                value = next
            case .array(let items):
                guard let index = Int(part), items.items.indices.contains(index) else { throw Failure(description: "\(path) has no '\(key)' (no index \(part))") }
                value = items.items[index]
            default:
                throw Failure(description: "\(path) has no '\(key)'")
            }
        }
        return value
    }
}
