import ArgumentParser
import BallastNode
import Foundation

extension Ballast {
    /// Images on a node, without a registry.
    struct Image: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the images of a node agent.", subcommands: [Load.self])

        struct Load: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import the images of an archive into a node agent's image store.",
                discussion: """
                    FILE is an OCI image layout in a tar (skopeo copy … oci-archive:FILE, docker save of \
                    Docker 25+) or a docker save archive, maybe gzip-compressed. Every blob is checked \
                    against its digest. Pods on that node then run the images without pulling them \
                    (imagePullPolicy IfNotPresent, the default for tagged images other than :latest).
                    """)

            @Option(help: "The node agent's --root.")
            var root: String

            @Argument(help: "The archive to import.")
            var file: String

            func run() async throws {
                let store = try ImageStore(root: NodePaths(root: root).images)
                let images = try await ImageArchiveLoader(store: store).load(path: file)
                for image in images {
                    if image.names.isEmpty {
                        print("Loaded image ID: \(image.digest)")
                    } else {
                        for name in image.names { print("Loaded image: \(name)") }
                    }
                }
            }
        }
    }
}
