import BallastAPI
import BallastClient
import Foundation
import Yams

/// Applies the project's StorageClasses/*.yaml to a cluster (server-side apply, so running
/// `up` again changes nothing), pointing the NFS classes at this cluster's export.
struct StorageClassInstaller {
    /// The share the shipped NFS classes name: the export of the default data directory.
    static let shippedShare = "/var/lib/ballast/nfs/export"

    let client: KubeClient
    let nfsExport: String

    /// Applies every class file in `directory` except those `skip` names; returns the
    /// names of the classes applied.
    func apply(directory: String, skip: (String) -> Bool) async throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") && !skip($0) }.sorted()
        var applied: [String] = []
        for file in files {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                var object = try JSONValue.parse(Array(try JSONSerialization.data(withJSONObject: document)))
                guard object["kind"]?.stringValue == "StorageClass", let name = object[path: ["metadata", "name"]]?.stringValue else { continue }
                if object[path: ["parameters", "share"]]?.stringValue == Self.shippedShare, case .object(var fields) = object,
                    case .object(var parameters)? = fields["parameters"]
                {
                    parameters["share"] = .string(nfsExport)
                    fields["parameters"] = .object(parameters)
                    object = .object(fields)
                }
                _ = try await client.patch(StorageClass.self, name: name, patch: object, as: .apply)
                applied.append(name)
            }
        }
        return applied
    }
}
