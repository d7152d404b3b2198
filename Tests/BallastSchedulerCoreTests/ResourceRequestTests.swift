import BallastAPI
import Testing

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// What a pod asks of a node, computed as kube-scheduler does.
@Suite struct ResourceRequestTests {
    typealias F = Fixture

    @Test func containersAreSummed() {
        let pod = F.pod("p", containers: [F.container("a", cpu: "500m", memory: "1Gi"), F.container("b", cpu: "250m", memory: "512Mi")])
        let request = PodResourceRequest(pod.spec)
        #expect(request.requests.milliCPU == 750)
        #expect(request.requests.memory == 1536 * 1024 * 1024)
    }

    /// Upstream's own example: init containers (2 cpu, 1G), (2 cpu, 3G); containers (2, 1G), (1, 1G) → 3 cpu, 3G.
    @Test func initContainersTakeTheLargestOne() {
        let pod = F.pod("p", containers: [F.container("c1", cpu: "2", memory: "1G"), F.container("c2", cpu: "1", memory: "1G")],
                        initContainers: [F.container("i1", cpu: "2", memory: "1G"), F.container("i2", cpu: "2", memory: "3G")])
        let request = PodResourceRequest(pod.spec)
        #expect(request.requests.milliCPU == 3000)
        #expect(request.requests.memory == 3_000_000_000)
    }

    /// A sidecar (restartable init container) runs beside everything after it.
    @Test func sidecarsAddToTheSteadyStateAndToLaterInitContainers() {
        let pod = F.pod("p", containers: [F.container("main", cpu: "1")],
                        initContainers: [F.container("sidecar", cpu: "500m", restartPolicy: "Always"), F.container("setup", cpu: "2")])
        let request = PodResourceRequest(pod.spec)
        // Steady state 1 + 0.5; during "setup" 2 + 0.5.
        #expect(request.requests.milliCPU == 2500)
        let steady = F.pod("q", containers: [F.container("main", cpu: "1")],
                           initContainers: [F.container("sidecar", cpu: "500m", restartPolicy: "Always")])
        #expect(PodResourceRequest(steady.spec).requests.milliCPU == 1500)
    }

    @Test func overheadIsAdded() {
        var pod = F.pod("p", cpu: "1")
        pod.spec?.overhead = ["cpu": F.q("250m"), "memory": F.q("64Mi")]
        let request = PodResourceRequest(pod.spec)
        #expect(request.requests.milliCPU == 1250)
        #expect(request.requests.memory == 64 * 1024 * 1024)
    }

    /// Scoring counts 100m cpu and 200Mi memory for containers that request nothing.
    @Test func requestLessContainersScoreWithDefaults() {
        let request = PodResourceRequest(F.pod("p").spec)
        #expect(request.requests.isZero)
        #expect(request.nonZeroMilliCPU == 100)
        #expect(request.nonZeroMemory == 200 * 1024 * 1024)
        let explicitZero = PodResourceRequest(F.pod("q", cpu: "0", memory: "0").spec)
        #expect(explicitZero.nonZeroMilliCPU == 0)
        #expect(explicitZero.nonZeroMemory == 0)
    }

    @Test func extendedResourcesAreCountedByName() {
        var container = F.container(cpu: "1")
        container.resources?.requests?["example.com/gpu"] = F.q("2")
        let request = PodResourceRequest(F.pod("p", containers: [container]).spec)
        #expect(request.requests.scalar == ["example.com/gpu": 2])
    }
}
