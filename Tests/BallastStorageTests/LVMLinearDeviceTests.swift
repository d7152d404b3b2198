import BallastStorage
import Testing

@Suite("LinearLVDevice: which volumes a loop device can map, and where")
struct LVMLinearDeviceTests {
    static func report(_ volume: LVMReport.LogicalVolume) -> LVMReport {
        LVMReport(
            volumeGroups: [.init(name: "vg", size: 1 << 30, free: 0, extentSize: 4 << 20)],
            physicalVolumes: [.init(name: "/dev/loop3", volumeGroup: "vg", extentStart: 1 << 20, size: 1 << 30)],
            logicalVolumes: [volume])
    }

    static func segment(_ type: String = "linear", start: Int64 = 0, count: Int64, stripes: Int = 1,
                        devices: [LVMReport.SegmentDevice]) -> LVMReport.Segment {
        .init(type: type, startExtent: start, extentCount: count, start: start * (4 << 20), size: count * (4 << 20),
              stripes: stripes, devices: devices)
    }

    @Test("offset is pe_start plus the first extent times the extent size")
    func range() throws {
        let volume = LVMReport.LogicalVolume(name: "lv", volumeGroup: "vg", size: 256 << 20, attributes: "-wi-------",
                                             segments: [Self.segment(count: 64, devices: [.init(device: "/dev/loop3", startExtent: 10)])])
        let range = try LinearLVDevice.extentRange(of: "lv", in: "vg", report: Self.report(volume))
        #expect(range == .init(device: "/dev/loop3", offset: (1 << 20) + 10 * (4 << 20), length: 256 << 20))
    }

    @Test("volumes a loop device cannot map are refused with the reason", arguments: [
        ("two segments", LVMReport.LogicalVolume(name: "lv", volumeGroup: "vg", size: 8 << 20, attributes: "-wi-------", segments: [
            segment(count: 1, devices: [.init(device: "/dev/loop3", startExtent: 0)]),
            segment(start: 1, count: 1, devices: [.init(device: "/dev/loop3", startExtent: 5)]),
        ]), "2 segments"),
        ("striped", LVMReport.LogicalVolume(name: "lv", volumeGroup: "vg", size: 8 << 20, attributes: "-wi-------", layout: "striped", segments: [
            segment("striped", count: 2, stripes: 2, devices: [.init(device: "/dev/loop3", startExtent: 0), .init(device: "/dev/loop4", startExtent: 0)]),
        ]), "striped over 2 devices"),
        ("thin", LVMReport.LogicalVolume(name: "lv", volumeGroup: "vg", size: 8 << 20, attributes: "Vwi-------", layout: "thin,sparse", pool: "pool", segments: [
            segment("thin", count: 2, devices: []),
        ]), "thin volumes need device-mapper"),
    ])
    func refuses(name: String, volume: LVMReport.LogicalVolume, reason: String) {
        let error = #expect(throws: LVMError.self) { try LinearLVDevice.extentRange(of: "lv", in: "vg", report: Self.report(volume)) }
        #expect(error?.kind == .unsupported)
        #expect(error?.messages.joined().contains(reason) == true)
    }

    @Test("a volume missing from the report is .notFound")
    func missing() {
        let error = #expect(throws: LVMError.self) { try LinearLVDevice.extentRange(of: "gone", in: "vg", report: LVMReport()) }
        #expect(error?.isNotFound == true)
    }
}
