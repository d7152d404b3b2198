import BallastAPI
import Testing

/// Pods and Scales on the wire: field names as Kubernetes spells them, flattened volume
/// sources and ephemeral containers.
struct PodCodecTests {
    @Test func defaultedPodEncodesUpstreamsFieldNames() throws {
        let pod = preparedForCreate(try decodeManifest(Pod.self, WorkloadManifests.podGitRepo))
        let json = APICodec.encodeValue(pod)
        let container = json[path: ["spec"]]?["containers"]?.arrayValue?.first
        #expect(container?["ports"]?.arrayValue?.first == ["containerPort": 80, "protocol": "TCP"])
        #expect(container?["imagePullPolicy"] == "IfNotPresent")
        #expect(json[path: ["spec", "volumes"]]?.arrayValue?.first == [
            "name": "html", "gitRepo": ["repository": "http://127.0.0.1:9418/website.git", "revision": "master", "directory": "."],
        ])
        #expect(json[path: ["spec", "securityContext"]] == [:])
        #expect(json[path: ["status", "phase"]] == "Pending")
        #expect(try decodeManifest(Pod.self, json.jsonString) == pod)
    }

    @Test func ephemeralContainersKeepTheirTarget() throws {
        let json = #"{"name":"debug","image":"busybox","targetContainerName":"app","stdin":true,"tty":true}"#
        let ephemeral = try decodeManifest(EphemeralContainer.self, json)
        #expect(ephemeral == EphemeralContainer(container: Container(name: "debug", image: "busybox", stdin: true, tty: true), targetContainerName: "app"))
        #expect(APICodec.encodeValue(ephemeral) == ["name": "debug", "image": "busybox", "targetContainerName": "app", "stdin": true, "tty": true])
    }

    @Test func scaleAlwaysCarriesStatusReplicas() throws {
        let scale = Scale(metadata: ObjectMeta(name: "web", namespace: "default"), spec: ScaleSpec(replicas: 3), status: ScaleStatus(replicas: 0, selector: "app=web"))
        #expect(APICodec.encodeValue(scale)["status"] == ["replicas": 0, "selector": "app=web"])
        #expect(try decodeManifest(Scale.self, #"{"metadata":{"name":"web"},"spec":{"replicas":2},"status":{}}"#).status?.replicas == 0)
        #expect(Scale.gvk.apiVersion == "autoscaling/v1")
    }
}
