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

    init() throws {
        server = try ServerProcess()
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
