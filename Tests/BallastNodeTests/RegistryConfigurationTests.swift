@testable import BallastNode
import Testing

/// k3s registries.yaml: which endpoints a reference is fetched from, in which order.
@Suite struct RegistryConfigurationTests {
    static let yaml = """
        mirrors:
          docker.io:
            endpoint:
              - "http://127.0.0.1:15000"
              - "mirror.example.com:5000/v2/hub"
          quay.io:
            endpoint: ["https://quay-mirror.example"]
            rewrite:
              "^prometheus/(.*)": "mirrored/prometheus/$1"
          "*":
            endpoint: ["http://catch-all.example"]
        configs:
          "mirror.example.com:5000":
            auth:
              username: alice
              password: secret
            tls:
              insecure_skip_verify: true
          "registry.example":
            auth:
              auth: Ym9iOmh1bnRlcjI=
        """

    @Test func dockerHubGoesThroughItsMirrorsFirstThenRegistryOne() throws {
        let configuration = try RegistryConfiguration.parse(yaml: Self.yaml)
        let endpoints = configuration.endpoints(for: try ImageReference(parsing: "redis"))
        #expect(endpoints.map(\.description) == [
            "http://127.0.0.1:15000/v2/library/redis",
            "https://mirror.example.com:5000/v2/hub/library/redis",
            "https://registry-1.docker.io/v2/library/redis",
        ])
        #expect(endpoints.map(\.isMirror) == [true, true, false])
    }

    @Test func rewritesApplyAtTheMirrorOnly() throws {
        let configuration = try RegistryConfiguration.parse(yaml: Self.yaml)
        let endpoints = configuration.endpoints(for: try ImageReference(parsing: "quay.io/prometheus/node-exporter:v1"))
        #expect(endpoints.map(\.description) == [
            "https://quay-mirror.example/v2/mirrored/prometheus/node-exporter",
            "https://quay.io/v2/prometheus/node-exporter",
        ])
    }

    @Test func wildcardMirrorsEveryOtherRegistry() throws {
        let configuration = try RegistryConfiguration.parse(yaml: Self.yaml)
        let endpoints = configuration.endpoints(for: try ImageReference(parsing: "ghcr.io/org/app:1"))
        #expect(endpoints.map(\.description) == ["http://catch-all.example/v2/org/app", "https://ghcr.io/v2/org/app"])
    }

    @Test func loopbackRegistriesAreReachedOverPlainHTTP() throws {
        let endpoints = RegistryConfiguration().endpoints(for: try ImageReference(parsing: "127.0.0.1:15000/library/busybox"))
        #expect(endpoints.map(\.description) == ["http://127.0.0.1:15000/v2/library/busybox"])
        let remote = RegistryConfiguration().endpoints(for: try ImageReference(parsing: "registry.example:5000/app"))
        #expect(remote.map(\.description) == ["https://registry.example:5000/v2/app"])
    }

    @Test func credentialsAndTLSAreReadPerHost() throws {
        let configuration = try RegistryConfiguration.parse(yaml: Self.yaml)
        let mirror = try #require(configuration.hostConfiguration(host: "mirror.example.com:5000", registry: "docker.io"))
        #expect(mirror.authentication?.basicCredentials?.username == "alice")
        #expect(mirror.authentication?.basicCredentials?.password == "secret")
        #expect(mirror.tls?.insecureSkipVerify == true)
        let encoded = try #require(configuration.hostConfiguration(host: "registry.example", registry: "registry.example"))
        #expect(encoded.authentication?.basicCredentials?.username == "bob")
        #expect(encoded.authentication?.basicCredentials?.password == "hunter2")
    }

    @Test func missingFileMeansNoMirrors() throws {
        let configuration = try RegistryConfiguration.load(path: "/nonexistent/registries.yaml")
        #expect(configuration == RegistryConfiguration())
    }

    @Test func malformedFileIsAnError() {
        #expect(throws: ImageError.self) { try RegistryConfiguration.parse(yaml: "mirrors: [1, 2") }
    }

    @Test func bearerChallengeIsParsed() {
        let header = #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull""#
        let challenges = AuthenticationChallenge.parse(header)
        #expect(challenges == [AuthenticationChallenge(scheme: "bearer", parameters: [
            "realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/redis:pull",
        ])])
    }

    @Test func severalChallengesAndEscapesAreParsed() {
        let header = #"Basic realm="Registry \"one\"", Bearer realm=https://auth.example/token,service=reg"#
        let challenges = AuthenticationChallenge.parse(header)
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
        #expect(challenges.first?.parameters["realm"] == #"Registry "one""#)
        #expect(challenges.last?.parameters == ["realm": "https://auth.example/token", "service": "reg"])
    }
}
