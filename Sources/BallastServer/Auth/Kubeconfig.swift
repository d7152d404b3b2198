import Foundation

/// The admin kubeconfig: the server URL, the cluster CA and a bearer token.
public enum Kubeconfig {
    public static func render(server: String, caPEM: String, token: String, user: String = "admin", cluster: String = "ballast") -> String {
        let ca = Data(caPEM.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(ca)
                server: \(server)
              name: \(cluster)
            contexts:
            - context:
                cluster: \(cluster)
                user: \(user)
              name: \(cluster)
            current-context: \(cluster)
            preferences: {}
            users:
            - name: \(user)
              user:
                token: \(token)

            """
    }
}
