/// The node agent's version, reported in Node.status.nodeInfo.kubeletVersion.
public enum NodeAgentVersion {
    public static let kubeletVersion = "v1.32.4+ballast"
}
