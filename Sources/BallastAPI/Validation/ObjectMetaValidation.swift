/// ValidateObjectMeta and ValidateObjectMetaUpdate: the checks every kind shares.
public enum ObjectMetaValidation {
    public static func validate<T: APIResource>(_ object: T) -> [FieldError] {
        let meta = object.metadata
        let field = FieldPath("metadata")
        var errors: [FieldError] = []
        if let name = meta.name, !name.isEmpty {
            errors += T.nameProblems(name).map { FieldError.invalid(field.child("name"), name, $0) }
        } else if meta.generateName?.isEmpty ?? true {
            errors.append(.required(field.child("name"), "name or generateName is required"))
        }
        if T.resource.namespaced {
            if (meta.namespace ?? "").isEmpty {
                errors.append(.required(field.child("namespace")))
            } else if let namespace = meta.namespace {
                errors += NameRules.dns1123Label(namespace).map { FieldError.invalid(field.child("namespace"), namespace, $0) }
            }
        } else if let namespace = meta.namespace, !namespace.isEmpty {
            errors.append(.forbidden(field.child("namespace"), "not allowed on this type"))
        }
        if let generation = meta.generation, generation < 0 {
            errors.append(.invalid(field.child("generation"), number: generation, "must be greater than or equal to 0"))
        }
        errors += NameRules.validateLabels(meta.labels, field: field.child("labels"))
        errors += NameRules.validateAnnotations(meta.annotations, field: field.child("annotations"))
        for (index, owner) in (meta.ownerReferences ?? []).enumerated() {
            let path = field.child("ownerReferences").index(index)
            if owner.apiVersion.isEmpty { errors.append(.invalid(path.child("apiVersion"), owner.apiVersion, "version must not be empty")) }
            if owner.kind.isEmpty { errors.append(.invalid(path.child("kind"), owner.kind, "kind must not be empty")) }
            if owner.name.isEmpty { errors.append(.invalid(path.child("name"), owner.name, "name must not be empty")) }
            if owner.uid.isEmpty { errors.append(.invalid(path.child("uid"), owner.uid, "uid must not be empty")) }
        }
        if (meta.ownerReferences ?? []).filter({ $0.controller == true }).count > 1 {
            errors.append(.invalid(field.child("ownerReferences"), raw: "[…]", "Only one reference can have Controller set to true"))
        }
        for (index, finalizer) in (meta.finalizers ?? []).enumerated() {
            errors += NameRules.qualifiedName(finalizer).map { FieldError.invalid(field.child("finalizers").index(index), finalizer, $0) }
        }
        return errors
    }

    public static func validateUpdate(new: ObjectMeta, old: ObjectMeta) -> [FieldError] {
        let field = FieldPath("metadata")
        var errors: [FieldError] = []
        func immutable(_ a: String?, _ b: String?, _ name: String) {
            if (a ?? "") != (b ?? "") {
                errors.append(.invalid(field.child(name), a ?? "", "field is immutable"))
            }
        }
        immutable(new.name, old.name, "name")
        immutable(new.namespace, old.namespace, "namespace")
        immutable(new.uid, old.uid, "uid")
        if new.creationTimestamp != old.creationTimestamp {
            errors.append(.invalid(field.child("creationTimestamp"), new.creationTimestamp?.description ?? "null", "field is immutable"))
        }
        return errors
    }
}
