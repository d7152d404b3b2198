/// A refusal of `ballast storage orphans`, in words for the user.
public struct OrphanError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
