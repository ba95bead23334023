import Foundation
import TestSupport

/// Debian's headless Chromium, driven by its command line: the page's DOM after loading,
/// its console messages (Chromium's log), and the network requests the page made (its net
/// log, told apart from the browser's own by the page's file:// isolation key).
enum Chromium {
    static let path = "/usr/bin/chromium"

    struct Page {
        let dom: String
        let console: [String]
        /// URLs the page asked for that are not file: or data: (nothing may be fetched).
        let requests: [String]
    }

    static let quiet = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
                        "--proxy-server=127.0.0.1:9", "--user-data-dir=" + ProjectPaths.scratch("chromium-profile")]

    static func load(_ file: String) throws -> Page {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(path) is missing: make test installs Debian's chromium (apt-get install chromium)")
        }
        let netlog = NSTemporaryDirectory() + "mlgate-netlog-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: netlog) }
        let run = try ProcessRunner.run(path, quiet + ["--enable-logging=stderr", "--v=0", "--log-net-log=" + netlog, "--dump-dom", "file://" + file],
                                        in: NSTemporaryDirectory())
        guard run.status == 0, run.stdout.contains("<html") else {
            throw TestSupportError("chromium could not load \(file) (status \(run.status)): \(run.stderr.suffix(1500))")
        }
        let console = run.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Page(dom: run.stdout, console: console, requests: try pageRequests(netlog))
    }

    /// A PNG of the page as a reader sees it.
    static func screenshot(_ file: String, to png: String, height: Int = 3000) throws {
        let run = try ProcessRunner.run(path, quiet + ["--hide-scrollbars", "--window-size=1100,\(height)", "--screenshot=" + png, "file://" + file],
                                        in: NSTemporaryDirectory())
        guard run.status == 0, FileManager.default.fileExists(atPath: png) else {
            throw TestSupportError("chromium could not take a screenshot of \(file): \(run.stderr.suffix(1500))")
        }
    }

    static func pageRequests(_ netlog: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: netlog),
              let log = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let constants = log["constants"] as? [String: Any],
              let types = constants["logEventTypes"] as? [String: Int],
              let start = types["URL_REQUEST_START_JOB"],
              let events = log["events"] as? [[String: Any]] else {
            throw TestSupportError("chromium's net log \(netlog) is not what the test reads")
        }
        return events.compactMap { event in
            guard event["type"] as? Int == start, let params = event["params"] as? [String: Any],
                  let url = params["url"] as? String,
                  (params["network_isolation_key"] as? String)?.contains("file://") == true,
                  !url.hasPrefix("file:"), !url.hasPrefix("data:") else { return nil }
            return url
        }
    }
}
