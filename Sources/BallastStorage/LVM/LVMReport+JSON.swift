import Foundation

extension LVMReport {
    /// The arguments of the one command a report comes from: every section Ballast reads,
    /// with only the columns it reads, in bytes without unit suffixes. No argument contains
    /// whitespace (lvm2_run splits on it).
    static let fullReportArguments: [String] = [
        "fullreport", "--reportformat", "json", "--units", "b", "--nosuffix",
        "--configreport", "vg", "-o", "vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,vg_tags",
        "--configreport", "pv", "-o", "pv_name,pv_uuid,pe_start,pv_size,pv_free,dev_size",
        "--configreport", "lv", "-o",
        "lv_uuid,lv_name,lv_path,lv_size,lv_tags,lv_attr,lv_layout,pool_lv,origin,data_percent,metadata_percent",
        "--configreport", "seg", "-o", "lv_uuid,segtype,seg_start_pe,seg_size_pe,seg_start,seg_size,stripes,devices",
        // fullreport cannot leave a section out; asking for no columns empties it.
        "--configreport", "pvseg", "-o,",
    ]

    /// Decodes `lvm fullreport --reportformat json` output made with `fullReportArguments`.
    ///
    /// lvm prints one object per volume group (plus one for physical volumes in no group),
    /// each with its vg, pv, lv and seg rows; every value is a string.
    /// - Throws: `LVMError` `.failed` when the text is not such a report.
    init(fullReportJSON data: Data) throws(LVMError) {
        let raw: RawFullReport
        do {
            raw = try JSONDecoder().decode(RawFullReport.self, from: data)
        } catch {
            let excerpt = String(decoding: data.prefix(2000), as: UTF8.self)
            throw LVMError(.failed, command: "fullreport", messages: ["cannot decode the report: \(error)", excerpt])
        }
        var report = LVMReport()
        for section in raw.report {
            let groupName = section.vg?.first?["vg_name"].flatMap { $0.isEmpty ? nil : $0 }
            for row in section.vg ?? [] {
                report.volumeGroups.append(VolumeGroup(
                    name: row.text("vg_name"), uuid: row.text("vg_uuid"), size: row.number("vg_size"), free: row.number("vg_free"),
                    extentSize: row.number("vg_extent_size"), extentCount: row.number("vg_extent_count"),
                    freeExtentCount: row.number("vg_free_count"), tags: row.list("vg_tags")))
            }
            for row in section.pv ?? [] {
                report.physicalVolumes.append(PhysicalVolume(
                    name: row.text("pv_name"), uuid: row.text("pv_uuid"), volumeGroup: groupName, extentStart: row.number("pe_start"),
                    size: row.number("pv_size"), free: row.number("pv_free"), deviceSize: row.number("dev_size")))
            }
            let segments = Dictionary(grouping: section.seg ?? [], by: { $0.text("lv_uuid") })
            for row in section.lv ?? [] {
                let uuid = row.text("lv_uuid")
                let volumeSegments = (segments[uuid] ?? []).map { segment in
                    Segment(type: segment.text("segtype"), startExtent: segment.number("seg_start_pe"),
                            extentCount: segment.number("seg_size_pe"), start: segment.number("seg_start"),
                            size: segment.number("seg_size"), stripes: Int(segment.number("stripes")),
                            devices: Self.parseDevices(segment.text("devices")))
                }
                report.logicalVolumes.append(LogicalVolume(
                    name: row.text("lv_name"), volumeGroup: groupName ?? "", uuid: uuid, path: row.text("lv_path"),
                    size: row.number("lv_size"), tags: row.list("lv_tags"), attributes: row.text("lv_attr"),
                    layout: row.text("lv_layout"), pool: row.optionalText("pool_lv"), origin: row.optionalText("origin"),
                    dataPercent: row.optionalText("data_percent").flatMap(Double.init),
                    metadataPercent: row.optionalText("metadata_percent").flatMap(Double.init),
                    segments: volumeSegments.sorted { $0.startExtent < $1.startExtent }))
            }
        }
        self = report
    }

    /// Parses the `devices` column: "/dev/loop0(37)" or, striped, "/dev/loop0(0),/dev/loop1(0)".
    static func parseDevices(_ text: String) -> [SegmentDevice] {
        text.split(separator: ",").compactMap { entry in
            guard entry.hasSuffix(")"), let open = entry.lastIndex(of: "(") else { return nil }
            let start = entry[entry.index(after: open)..<entry.index(before: entry.endIndex)]
            guard let extent = Int64(start) else { return nil }
            return SegmentDevice(device: String(entry[..<open]), startExtent: extent)
        }
    }
}

/// The report as lvm prints it: sections of rows of strings.
private struct RawFullReport: Decodable {
    var report: [RawSection]
}

private struct RawSection: Decodable {
    var vg: [[String: String]]?
    var pv: [[String: String]]?
    var lv: [[String: String]]?
    var seg: [[String: String]]?
}

extension Dictionary where Key == String, Value == String {
    fileprivate func text(_ key: String) -> String { self[key] ?? "" }

    fileprivate func optionalText(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }

    fileprivate func number(_ key: String) -> Int64 { Int64(self[key] ?? "") ?? 0 }

    fileprivate func list(_ key: String) -> [String] {
        (self[key] ?? "").split(separator: ",").map(String.init)
    }
}
