@testable import BallastStorage
import Foundation
import Testing

@Suite("LVMReport: lvm fullreport JSON as structured data")
struct LVMReportTests {
    /// `lvm fullreport` output with `LVMReport.fullReportArguments`, as lvm 2.03.16 printed it
    /// here: one section per volume group, then one for physical volumes in no group.
    static let sample = """
        {
            "report": [
                {
                    "vg": [
                        {"vg_name":"vgx", "vg_uuid":"zSgc3u", "vg_size":"264241152", "vg_free":"96468992", "vg_extent_size":"4194304", "vg_extent_count":"63", "vg_free_count":"23", "vg_tags":"ballast"}
                    ]
                    ,
                    "pv": [
                        {"pv_name":"/dev/loop0", "pv_uuid":"eUBdF4", "pe_start":"1048576", "pv_size":"264241152", "pv_free":"96468992", "dev_size":"268435456"}
                    ]
                    ,
                    "lv": [
                        {"lv_uuid":"NZVqd2", "lv_name":"lv1", "lv_path":"/dev/vgx/lv1", "lv_size":"146800640", "lv_tags":"a=b,owner", "lv_attr":"-wi-XX----", "lv_layout":"linear", "pool_lv":"", "origin":"", "data_percent":"", "metadata_percent":""},
                        {"lv_uuid":"818xy0", "lv_name":"lv3", "lv_path":"/dev/vgx/lv3", "lv_size":"20971520", "lv_tags":"", "lv_attr":"-wi-a-----", "lv_layout":"linear", "pool_lv":"", "origin":"", "data_percent":"", "metadata_percent":""}
                    ]
                    ,
                    "pvseg": [
                        {},
                        {}
                    ]
                    ,
                    "seg": [
                        {"lv_uuid":"818xy0", "segtype":"linear", "seg_start_pe":"0", "seg_size_pe":"5", "seg_start":"0", "seg_size":"20971520", "stripes":"1", "devices":"/dev/loop0(32)"},
                        {"lv_uuid":"NZVqd2", "segtype":"linear", "seg_start_pe":"32", "seg_size_pe":"3", "seg_start":"134217728", "seg_size":"12582912", "stripes":"1", "devices":"/dev/loop0(37)"},
                        {"lv_uuid":"NZVqd2", "segtype":"linear", "seg_start_pe":"0", "seg_size_pe":"32", "seg_start":"0", "seg_size":"134217728", "stripes":"1", "devices":"/dev/loop0(0)"}
                    ]
                }
                ,
                {
                    "vg": [
                    ]
                    ,
                    "pv": [
                        {"pv_name":"/dev/loop5", "pv_uuid":"orphan", "pe_start":"1048576", "pv_size":"67108864", "pv_free":"67108864", "dev_size":"67108864"}
                    ]
                }
            ]
        }
        """

    @Test("volume groups, physical volumes, volumes and their segments decode with byte sizes")
    func decodes() throws {
        let report = try LVMReport(fullReportJSON: Data(Self.sample.utf8))
        #expect(report.volumeGroups == [
            .init(name: "vgx", uuid: "zSgc3u", size: 264_241_152, free: 96_468_992, extentSize: 4_194_304, extentCount: 63,
                  freeExtentCount: 23, tags: ["ballast"])
        ])
        #expect(report.physicalVolumes == [
            .init(name: "/dev/loop0", uuid: "eUBdF4", volumeGroup: "vgx", extentStart: 1_048_576, size: 264_241_152,
                  free: 96_468_992, deviceSize: 268_435_456),
            .init(name: "/dev/loop5", uuid: "orphan", volumeGroup: nil, extentStart: 1_048_576, size: 67_108_864,
                  free: 67_108_864, deviceSize: 67_108_864),
        ])
        let lv1 = try #require(report.logicalVolume("lv1", in: "vgx"))
        #expect(lv1.size == 146_800_640)
        #expect(lv1.tags == ["a=b", "owner"])
        #expect(lv1.fullName == "vgx/lv1")
        #expect(lv1.pool == nil && lv1.dataPercent == nil)
        #expect(!lv1.isActive && !lv1.isThinPool)
        // Segments in logical order, whatever order lvm printed them in.
        #expect(lv1.segments.map(\.startExtent) == [0, 32])
        #expect(lv1.segments[1].devices == [.init(device: "/dev/loop0", startExtent: 37)])
        #expect(report.logicalVolume("lv3", in: "vgx")?.isActive == true)
        #expect(report.logicalVolumes(in: "vgx", taggedWith: "owner").map(\.name) == ["lv1"])
        #expect(report.logicalVolumes(taggedWith: "missing").isEmpty)
    }

    @Test("devices of striped and stacked segments", arguments: [
        ("/dev/loop0(0),/dev/loop1(10)", [LVMReport.SegmentDevice(device: "/dev/loop0", startExtent: 0), .init(device: "/dev/loop1", startExtent: 10)]),
        ("pool0_tdata(0)", [.init(device: "pool0_tdata", startExtent: 0)]),
        ("", []),
    ])
    func segmentDevices(text: String, expected: [LVMReport.SegmentDevice]) {
        #expect(LVMReport.parseDevices(text) == expected)
    }

    @Test("text that is not a report is an error, not an empty report")
    func rejectsGarbage() {
        #expect(throws: LVMError.self) { try LVMReport(fullReportJSON: Data("WARNING: not json".utf8)) }
    }

    @Test("the report command has no argument lvm2_run would split")
    func argumentsHaveNoWhitespace() {
        #expect(!LVMReport.fullReportArguments.contains { $0.contains(where: \.isWhitespace) })
    }

    @Test("a level-4 line is report JSON only if it starts like JSON")
    func jsonLines() {
        #expect(LVMLibrary.looksLikeJSON("      \"report\": ["))
        #expect(LVMLibrary.looksLikeJSON("  {"))
        #expect(LVMLibrary.looksLikeJSON("              ,"))
        #expect(!LVMLibrary.looksLikeJSON("  WARNING: Activation disabled. No device-mapper interaction will be attempted."))
        #expect(!LVMLibrary.looksLikeJSON(""))
    }
}
