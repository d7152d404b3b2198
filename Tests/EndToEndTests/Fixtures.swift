import BallastAPI
import BallastTesting
import Foundation

/// The project's example manifests (examples/ at the package root), read as users have them.
enum Examples {
    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: BallastBinary.packageRoot + "/examples/" + name, encoding: .utf8)
    }

    static func path(_ name: String) -> String { BallastBinary.packageRoot + "/examples/" + name }

    static let all = [
        "cronjob.yaml", "daemonset.yaml", "deployment-nginx.yaml", "dynamic-pvc-pod.yaml", "job-pi.yaml", "pod-gitrepo.yaml",
        "pod-hostpath.yaml", "pod-memory-emptydir.yaml", "pod-shared-emptydir.yaml", "replicaset.yaml", "service-nginx.yaml",
        "statefulset-postgres.yaml", "static-pv-pvc-pod.yaml",
    ]
}

/// A server plus kubectl pointed at it: the usual start of an end-to-end test.
struct Cluster {
    let server: ServerProcess
    let kubectl: Kubectl

    init(environment: [String: String] = [:]) throws {
        server = try ServerProcess(environment: environment)
        kubectl = Kubectl(kubeconfig: server.kubeconfig)
    }

    /// Parses kubectl's JSON output.
    func json(_ arguments: String...) throws -> JSONValue {
        let result = try kubectl.run(arguments + ["-o", "json"])
        guard result.succeeded else { throw TestEnvironmentError("kubectl \(arguments) failed: \(result)") }
        return try JSONValue.parse(result.stdout)
    }
}

extension JSONValue {
    /// Follows a dotted path ("metadata.labels.app"); array indexes as numbers ("items.0").
    func at(_ dotted: String) -> JSONValue? {
        var current: JSONValue? = self
        for part in dotted.split(separator: ".") {
            if let index = Int(part), case .array(let items)? = current {
                current = index < items.count ? items[index] : nil
            } else {
                current = current?[String(part)]
            }
        }
        return current
    }

    func string(_ dotted: String) -> String? { at(dotted)?.stringValue }
}

/// kubectl's column output, read by the header's column positions (cells may be empty).
struct TableOutput {
    var header: [String]
    var rows: [[String: String]]

    init(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { Array($0) }
        guard let first = lines.first else {
            header = []
            rows = []
            return
        }
        var starts: [Int] = []
        var names: [String] = []
        var index = 0
        while index < first.count {
            if first[index] != " " && (index == 0 || first[index - 1] == " ") {
                starts.append(index)
                var end = index
                while end < first.count && !(first[end] == " " && (end + 1 >= first.count || first[end + 1] == " ")) { end += 1 }
                names.append(String(first[index..<end]))
            }
            index += 1
        }
        header = names
        rows = lines.dropFirst().map { line in
            var row: [String: String] = [:]
            for (column, start) in starts.enumerated() {
                let end = column + 1 < starts.count ? starts[column + 1] : line.count
                let cell = start < line.count ? String(line[start..<min(end, line.count)]) : ""
                row[names[column]] = cell.trimmingCharacters(in: .whitespaces)
            }
            return row
        }
    }

    func row(where column: String, is value: String) -> [String: String]? {
        rows.first { $0[column] == value }
    }
}
