@testable import BallastNode
import Testing

/// Docker's normalisation of image names (distribution/reference's ParseNormalizedNamed).
@Suite struct ImageReferenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var normalised: String
        var registry: String
        var repository: String
        var testDescription: String { input }
    }

    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    static let valid: [Case] = [
        Case(input: "redis", normalised: "docker.io/library/redis:latest", registry: "docker.io", repository: "library/redis"),
        Case(input: "redis:7.2", normalised: "docker.io/library/redis:7.2", registry: "docker.io", repository: "library/redis"),
        Case(input: "library/redis", normalised: "docker.io/library/redis:latest", registry: "docker.io", repository: "library/redis"),
        Case(input: "docker.io/redis", normalised: "docker.io/library/redis:latest", registry: "docker.io", repository: "library/redis"),
        Case(input: "index.docker.io/library/redis:6", normalised: "docker.io/library/redis:6", registry: "docker.io", repository: "library/redis"),
        Case(input: "prom/node-exporter", normalised: "docker.io/prom/node-exporter:latest", registry: "docker.io", repository: "prom/node-exporter"),
        Case(input: "127.0.0.1:15000/team/app:v1", normalised: "127.0.0.1:15000/team/app:v1", registry: "127.0.0.1:15000", repository: "team/app"),
        Case(input: "localhost/app", normalised: "localhost/app:latest", registry: "localhost", repository: "app"),
        Case(input: "localhost:5000/a/b/c:1.0-rc_1", normalised: "localhost:5000/a/b/c:1.0-rc_1", registry: "localhost:5000", repository: "a/b/c"),
        Case(input: "quay.io/prometheus/node-exporter:v1.8.0", normalised: "quay.io/prometheus/node-exporter:v1.8.0", registry: "quay.io",
             repository: "prometheus/node-exporter"),
        Case(input: "registry.k8s.io/pause:3.9", normalised: "registry.k8s.io/pause:3.9", registry: "registry.k8s.io", repository: "pause"),
        Case(input: "busybox@" + digest, normalised: "docker.io/library/busybox@" + digest, registry: "docker.io", repository: "library/busybox"),
        Case(input: "busybox:1.36@" + digest, normalised: "docker.io/library/busybox:1.36@" + digest, registry: "docker.io", repository: "library/busybox"),
        Case(input: "my_org/my.app__x---y", normalised: "docker.io/my_org/my.app__x---y:latest", registry: "docker.io", repository: "my_org/my.app__x---y"),
        Case(input: "Example.com/app", normalised: "Example.com/app:latest", registry: "Example.com", repository: "app"),
    ]

    @Test(arguments: valid)
    func normalises(_ example: Case) throws {
        let reference = try ImageReference(parsing: example.input)
        #expect(reference.description == example.normalised)
        #expect(reference.registry == example.registry)
        #expect(reference.repository == example.repository)
        #expect(try ImageReference(parsing: reference.description) == reference)
    }

    static let invalid = [
        "", "Redis", "library/Redis", "redis:", ":latest", "redis:-bad", "a//b", "a/b/", "/a", "redis@sha256:abc",
        "redis@md5:" + String(repeating: "a", count: 32), "foo_:bar", "-foo", "host:port/app", "re dis",
        "redis:" + String(repeating: "t", count: 129),
    ]

    @Test(arguments: invalid)
    func refuses(_ input: String) {
        #expect(throws: ImageError.self) { try ImageReference(parsing: input) }
    }

    @Test func uppercaseRepositoryIsReportedAsDockerDoes() {
        #expect(throws: ImageError.invalidReference("library/Redis", "invalid reference format: repository name (library/Redis) must be lowercase")) {
            try ImageReference(parsing: "library/Redis")
        }
    }

    @Test func digestWinsOverTagWhenAskingTheRegistry() throws {
        let reference = try ImageReference(parsing: "busybox:1.36@" + Self.digest)
        #expect(reference.manifestReference == Self.digest)
        #expect(try ImageReference(parsing: "busybox:1.36").manifestReference == "1.36")
    }

    @Test func familiarNamesAreShortAsDockerPrintsThem() throws {
        #expect(try ImageReference(parsing: "redis").familiarDescription == "redis:latest")
        #expect(try ImageReference(parsing: "prom/node-exporter:v1").familiarDescription == "prom/node-exporter:v1")
        #expect(try ImageReference(parsing: "127.0.0.1:5000/app").familiarDescription == "127.0.0.1:5000/app:latest")
    }

    @Test func defaultPullPolicyFollowsKubernetes() throws {
        #expect(ImagePullPolicy.defaultPolicy(for: try ImageReference(parsing: "redis")) == .always)
        #expect(ImagePullPolicy.defaultPolicy(for: try ImageReference(parsing: "redis:latest")) == .always)
        #expect(ImagePullPolicy.defaultPolicy(for: try ImageReference(parsing: "redis:7")) == .ifNotPresent)
        #expect(ImagePullPolicy.defaultPolicy(for: try ImageReference(parsing: "redis@" + Self.digest)) == .ifNotPresent)
    }
}
