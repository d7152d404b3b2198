/// generateName suffixes: five characters from the alphabet Kubernetes uses (no vowels, so
/// no words; no 0/1/3 to avoid confusion).
enum NameGenerator {
    private static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func generate(prefix: String) -> String {
        let trimmed = prefix.count > 58 ? String(prefix.prefix(58)) : prefix
        var suffix = ""
        for _ in 0..<5 { suffix.append(alphabet.randomElement() ?? "x") }
        return trimmed + suffix
    }
}
