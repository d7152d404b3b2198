/// How client subcommands print: a table by default, or JSON or YAML documents.
public enum CLIOutputFormat: String, CaseIterable, Sendable {
    case table, json, yaml
}
