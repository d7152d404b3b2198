import BallastAPI

/// An endpoint for every built-in kind.
enum BuiltinResources {
    static var endpoints: [any ResourceEndpoint] { BuiltinKinds.all.map { endpoint(for: $0) } }

    private static func endpoint<T: APIResource>(for type: T.Type) -> any ResourceEndpoint { TypedEndpoint<T>() }
}
