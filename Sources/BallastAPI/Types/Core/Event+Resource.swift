public import Foundation

/// How the API server stores and serves core/v1 Events (pkg/registry/core/event).
extension Event: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "events", singular: "event", shortNames: ["ev"], namespaced: true)

    /// The legacy validation core/v1 applies on create and update (legacyValidateEvent):
    /// the event's namespace matches its object's, and a new-style event (with eventTime)
    /// names its reporter, action and reason within their length limits.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let involvedNamespace = involvedObject?.namespace ?? ""
        let namespacePath = FieldPath("involvedObject").child("namespace")
        let mismatch = FieldError.invalid(namespacePath, involvedNamespace, "does not match event.namespace")
        if eventTime == nil {
            if involvedNamespace.isEmpty {
                // Old clients post events about cluster-scoped objects into "default".
                if !namespace.isEmpty, namespace != "default" { errors.append(mismatch) }
            } else if namespace != involvedNamespace {
                errors.append(mismatch)
            }
        } else {
            if involvedNamespace.isEmpty, namespace != "default", namespace != "kube-system" {
                errors.append(mismatch)
            }
            // The internal field is reportingController, and that is the name errors use.
            let controller = reportingComponent ?? ""
            let controllerPath = FieldPath("reportingController")
            if controller.isEmpty { errors.append(.required(controllerPath)) }
            errors += NameRules.qualifiedName(controller).map { FieldError.invalid(controllerPath, controller, $0) }
            let instance = reportingInstance ?? ""
            if instance.isEmpty { errors.append(.required(FieldPath("reportingInstance"))) }
            if instance.utf8.count > 128 {
                errors.append(.invalid(FieldPath("reportingInstance"), "", "can have at most 128 characters"))
            }
            let action = self.action ?? ""
            if action.isEmpty { errors.append(.required(FieldPath("action"))) }
            if action.utf8.count > 128 {
                errors.append(.invalid(FieldPath("action"), "", "can have at most 128 characters"))
            }
            let reason = self.reason ?? ""
            if reason.isEmpty { errors.append(.required(FieldPath("reason"))) }
            if reason.utf8.count > 128 {
                errors.append(.invalid(FieldPath("reason"), "", "can have at most 128 characters"))
            }
            if (message ?? "").utf8.count > 1024 {
                errors.append(.invalid(FieldPath("message"), "", "can have at most 1024 characters"))
            }
        }
        errors += NameRules.dns1123Subdomain(namespace).map { FieldError.invalid(FieldPath("namespace"), namespace, $0) }
        return errors
    }

    /// core/v1 applies the same legacy checks to updates, and nothing more.
    public func validateUpdate(old: Event) -> [FieldError] { validate() }

    /// Events print Name last, and only in wide output.
    public static var allTableColumns: [TableColumn] {
        [
            TableColumn("Last Seen", description: "The time at which the most recent occurrence of this event was recorded."),
            TableColumn("Type", description: "Type of this event (Normal, Warning), new types could be added in the future"),
            TableColumn("Reason", description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            TableColumn("Object", description: "The object that this event is about."),
            TableColumn("Subobject", priority: 1, description: "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
            TableColumn("Source", priority: 1, description: "The component reporting this event. Should be a short machine understandable string."),
            TableColumn("Message", description: "A human-readable description of the status of this operation."),
            TableColumn("First Seen", priority: 1, description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            TableColumn("Count", priority: 1, description: "The number of times this event has occurred."),
            TableColumn("Name", format: "name", priority: 1, description: TableColumn.name.description),
        ]
    }

    /// The columns other than Name, to honour `tableColumns`' contract.
    public static var tableColumns: [TableColumn] { allTableColumns.filter { $0.name != "Name" } }

    /// One cell per `allTableColumns` entry: Name is the last cell.
    public func tableCells(now: Date) -> [JSONValue] {
        func since(_ time: MicroTime?) -> String {
            guard let time else { return "<unknown>" }
            return HumanDuration.format(now.timeIntervalSince(time.date))
        }
        let firstSeen = firstTimestamp.map { HumanDuration.since($0, now: now) } ?? since(eventTime)
        var lastSeen = lastTimestamp.map { HumanDuration.since($0, now: now) } ?? firstSeen
        var count = count ?? 0
        if let series {
            lastSeen = since(series.lastObservedTime)
            count = series.count ?? 0
        } else if count == 0 {
            // Singleton events of the newer API carry no count.
            count = 1
        }
        let kind = (involvedObject?.kind ?? "").lowercased()
        let objectName = involvedObject?.name ?? ""
        let target = objectName.isEmpty ? kind : "\(kind)/\(objectName)"
        return [
            .string(lastSeen),
            .string(type ?? ""),
            .string(reason ?? ""),
            .string(target),
            .string(involvedObject?.fieldPath ?? ""),
            .string(sourceText),
            .string((message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)),
            .string(firstSeen),
            .int(Int64(count)),
            .string(name),
        ]
    }

    /// "component, host", falling back to reportingComponent and reportingInstance.
    private var sourceText: String {
        let component = [source?.component, reportingComponent].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let host = [source?.host, reportingInstance].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        return host.isEmpty ? component : "\(component), \(host)"
    }

    /// ToSelectableFields: the involved object's fields, reason, reporter, source and type.
    public var selectableFields: [String: String] {
        let component = source?.component ?? ""
        return [
            "involvedObject.kind": involvedObject?.kind ?? "",
            "involvedObject.namespace": involvedObject?.namespace ?? "",
            "involvedObject.name": involvedObject?.name ?? "",
            "involvedObject.uid": involvedObject?.uid ?? "",
            "involvedObject.apiVersion": involvedObject?.apiVersion ?? "",
            "involvedObject.resourceVersion": involvedObject?.resourceVersion ?? "",
            "involvedObject.fieldPath": involvedObject?.fieldPath ?? "",
            "reason": reason ?? "",
            "reportingComponent": reportingComponent ?? "",
            "source": component.isEmpty ? (reportingComponent ?? "") : component,
            "type": type ?? "",
        ]
    }
}
