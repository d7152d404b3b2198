/// subPathExpr: `$(VAR)` replaced by the container's environment variable, as upstream's
/// expansion package does for commands and subPathExpr: `$$` is a literal `$`, and a
/// reference to a variable that is not defined is left as written.
public enum SubPathExpansion {
    /// `expression` with every `$(NAME)` replaced from `environment`.
    public static func expand(_ expression: String, environment: [String: String]) -> String {
        var output = ""
        var characters = Array(expression)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                output.append(character)
                index += 1
                continue
            }
            let next = characters[index + 1]
            if next == "$" {
                output.append("$")
                index += 2
            } else if next == "(", let close = characters[(index + 2)...].firstIndex(of: ")") {
                let name = String(characters[(index + 2)..<close])
                if let value = environment[name] {
                    output += value
                } else {
                    output += String(characters[index...close])
                }
                index = close + 1
            } else {
                output.append(character)
                index += 1
            }
        }
        characters.removeAll()
        return output
    }

    /// What is wrong with a (possibly expanded) subPath, in upstream's words; nil when it
    /// is a relative path without "..".
    public static func problem(with subPath: String) -> String? {
        if subPath.hasPrefix("/") { return "must be a relative path" }
        if subPath.split(separator: "/").contains("..") { return "must not contain '..'" }
        return nil
    }
}
