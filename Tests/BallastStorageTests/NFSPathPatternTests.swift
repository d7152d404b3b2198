import BallastStorage
import Testing

struct NFSPathPatternTests {
    struct Expansion: CustomTestStringConvertible, Sendable {
        var name: String
        var pattern: String
        var claim: ClaimInfo
        var expected: String
        var testDescription: String { name }
    }

    static let expansions: [Expansion] = [
        Expansion(name: "upstream default", pattern: NFSPathPattern.defaultPattern, claim: NFSTest.claim("shop", "db"),
                  expected: "shop-db-pvc-9"),
        Expansion(name: "namespace directory", pattern: "${.PVC.namespace}/${.PVC.name}", claim: NFSTest.claim("shop", "db"),
                  expected: "shop/db"),
        Expansion(name: "labels and annotations with dotted keys", pattern: "${.PVC.labels.team}/${.PVC.annotations.example.com/tier}-${.PV.name}",
                  claim: NFSTest.claim(labels: ["team": "blue"], annotations: ["example.com/tier": "web"]), expected: "blue/web-pvc-9"),
        Expansion(name: "literal text kept", pattern: "volumes/$HOME-${.PVC.name}", claim: NFSTest.claim(), expected: "volumes/$HOME-data"),
        Expansion(name: "annotation value with a slash nests", pattern: "${.PVC.annotations.dir}", claim: NFSTest.claim(annotations: ["dir": "a/b"]),
                  expected: "a/b"),
    ]

    @Test(arguments: expansions)
    func expands(_ row: Expansion) throws {
        let pattern = try NFSPathPattern(row.pattern)
        #expect(try pattern.expand(claim: row.claim, volumeName: "pvc-9") == row.expected)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var pattern: String
        var claim: ClaimInfo
        var message: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "missing leading label makes the path absolute", pattern: "${.PVC.labels.team}/${.PVC.name}", claim: NFSTest.claim(),
                message: "\"${.PVC.labels.team}/${.PVC.name}\" expands to \"/data\" for claim default/data: the path is absolute; the claim has no label \"team\""),
        Refusal(name: "missing annotation in the middle", pattern: "a/${.PVC.annotations.x}/b", claim: NFSTest.claim(),
                message: "\"a/${.PVC.annotations.x}/b\" expands to \"a//b\" for claim default/data: the path has an empty segment; the claim has no annotation \"x\""),
        Refusal(name: "dot-dot from an annotation", pattern: "${.PVC.annotations.dir}/x", claim: NFSTest.claim(annotations: ["dir": ".."]),
                message: "\"${.PVC.annotations.dir}/x\" expands to \"../x\" for claim default/data: the path has a \"..\" segment"),
        Refusal(name: "absolute from an annotation", pattern: "${.PVC.annotations.dir}", claim: NFSTest.claim(annotations: ["dir": "/etc"]),
                message: "\"${.PVC.annotations.dir}\" expands to \"/etc\" for claim default/data: the path is absolute"),
        Refusal(name: "everything empty", pattern: "${.PVC.labels.a}", claim: NFSTest.claim(),
                message: "\"${.PVC.labels.a}\" expands to \"\" for claim default/data: the path is empty; the claim has no label \"a\""),
    ]

    @Test(arguments: refusals)
    func refusesUnsafeExpansions(_ row: Refusal) throws {
        let pattern = try NFSPathPattern(row.pattern)
        #expect(throws: NFSPatternError(row.message)) { try pattern.expand(claim: row.claim, volumeName: "pvc-9") }
    }

    @Test(arguments: [
        ("${.PVC.uid}", "unknown variable \"${.PVC.uid}\" (known: ${.PVC.namespace}, ${.PVC.name}, ${.PV.name}, ${.PVC.labels.<key>}, ${.PVC.annotations.<key>})"),
        ("${.PVC.name", "\"${\" without a closing \"}\" in \"${.PVC.name\""),
        ("${.PVC.labels.}", "\"${.PVC.labels.}\" names no key"),
        ("/abs/${.PVC.name}", "\"/abs/${.PVC.name}\" cannot give a valid path (the path is absolute)"),
        ("../${.PVC.name}", "\"../${.PVC.name}\" cannot give a valid path (the path has a \"..\" segment)"),
        ("${.PVC.name}/", "\"${.PVC.name}/\" cannot give a valid path (the path has an empty segment)"),
    ])
    func refusesBadPatterns(_ text: String, _ message: String) {
        #expect(throws: NFSPatternError(message)) { try NFSPathPattern(text) }
    }
}
